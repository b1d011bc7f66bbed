// What an assignment or an in-place call (`push`, `pop`, `remove`) does, and the path to the place.
import Diagnostics

/// What a statement does to a place.
enum Mutation {
    case assign(AssignmentOperator, Expr, SourceRange)
    case push(Expr)
    case pop
    case remove(Expr)
}

/// One step from a root variable to the place changed.
enum PathStep {
    case index(Expr)
    case field(Identifier)
}

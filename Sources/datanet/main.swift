import CLI
import Foundation

exit(CommandLine.runDatanet())

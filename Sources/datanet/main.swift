import CLI
import Foundation

ProcessMemory.configure()
exit(CommandLine.runDatanet())

import Foundation
import MeshCLI
import MeshRuntime

SignalWaiter.ignoreBrokenPipes()
exit(await MeshCommand.run(Array(CommandLine.arguments.dropFirst())))

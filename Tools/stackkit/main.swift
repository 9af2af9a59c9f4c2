import StackKitCommands

await StackKitCommand.runAndExit()

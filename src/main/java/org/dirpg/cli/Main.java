package org.dirpg.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dirpg} command line: train, eval, bench, experiment, serve. */
@Command(name = "dirpg", mixinStandardHelpOptions = true, version = "dirpg 0.1.0",
        description = "Direct Policy Gradients (Lorberbom et al.) with A* sampling over trajectories.",
        subcommands = {TrainCommand.class, EvalCommand.class, ServeCommand.class, BenchCommand.class, ExperimentCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code: 0 success, 2 bad usage or input, 1 failure. */
    public static int run(String... args) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            commandLine.getErr().println("failed: " + e);
            e.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}

package org.dirpg.cli;

import java.io.PrintWriter;
import org.dirpg.env.remote.RemoteUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** The {@code dirpg} command line: train, eval, bench, experiment, serve. */
@Command(name = "dirpg", mixinStandardHelpOptions = true, version = "dirpg 0.1.0",
        description = "Direct Policy Gradients (Lorberbom et al.) with A* sampling over trajectories.",
        subcommands = {TrainCommand.class, EvalCommand.class, ServeCommand.class, BenchCommand.class, ExperimentCommand.class,
                ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** slf4j-simple's system property for the level of loggers not named in simplelogger.properties. */
    static final String DEFAULT_LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    public static void main(String[] args) {
        // First thing: slf4j-simple reads its levels once, when the first logger is created.
        if (java.util.Arrays.asList(args).contains("--verbose")) {
            System.setProperty(DEFAULT_LOG_LEVEL, "info");
        }
        System.exit(run(args));
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Also print the libraries' INFO logs (ND4J, DL4J; WARN and above otherwise) and, on "
                    + "failure, the stack trace (by default a failure is one line).")
    boolean verbose;

    /** Runs the command line and returns its exit code: 0 success, 2 bad usage or input, 1 failure. */
    public static int run(String... args) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof IllegalArgumentException) {
                err.println("error: " + oneLine(e.getMessage()));
            } else if (e instanceof CommandFailure || e instanceof RemoteUnavailableException) {
                err.println("failed: " + oneLine(e.getMessage()) + (e instanceof RemoteUnavailableException
                        ? "; start an environment server there (python -m dirpg.envserver --env ID) or fix --remote"
                        : ""));
            } else {
                err.println("failed: " + oneLine(e.getMessage() != null ? e.getMessage() : "an unexpected error")
                        + " (" + e.getClass().getSimpleName() + "; --verbose prints the stack trace)");
            }
            if (verbose(parseResult)) {
                e.printStackTrace(err);
            }
            err.flush();
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    /** Whether --verbose was given, before or after the subcommand's name. */
    private static boolean verbose(ParseResult result) {
        for (ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}

package org.dirpg.cli;

/**
 * A failure the user can fix (a busy port, an unreachable server): its message is one line that says what is wrong
 * and what would be right, so {@link Main} prints it alone, without a stack trace (issue #10), and exits 1.
 */
final class CommandFailure extends RuntimeException {
    CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.dirpg.server.train;

/** Thrown inside a hosted run's update when the run was asked to stop; the run ends without finishing the update. */
final class RunCancelledException extends RuntimeException {
    RunCancelledException() {
        super("the run was asked to stop", null, false, false);
    }
}

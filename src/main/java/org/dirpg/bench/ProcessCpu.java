package org.dirpg.bench;

import java.lang.management.ManagementFactory;

/**
 * The JVM process's CPU time, every thread's (GC and JIT included), for figures that hold on a shared machine: a rate
 * in interactions/s falls when other processes take the cores, CPU time per interaction does not.
 */
final class ProcessCpu {
    private ProcessCpu() {
    }

    /** CPU nanoseconds the process has used, or -1 where the JVM does not say. */
    static long nanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}

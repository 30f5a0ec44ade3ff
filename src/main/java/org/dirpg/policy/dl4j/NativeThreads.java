package org.dirpg.policy.dl4j;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Pins ND4J's native kernels to one OpenMP thread and OpenBLAS to one thread, from the program itself rather than an environment variable a user
 * would have to know: with several threads, reductions sum in a thread-dependent order (so a seed gave different runs
 * on machines with different core counts), and on 2 cores two OpenMP threads gave heavy latency tails and a 5-8x
 * slower training loop (REFERENCE.md). Parallelism, where wanted, comes from searches in flight instead.
 */
final class NativeThreads {
    private static volatile boolean pinned;

    private NativeThreads() {
    }

    static void pinToOne() {
        if (!pinned) {
            synchronized (NativeThreads.class) {
                if (!pinned) {
                    Nd4j.getExecutioner(); // loads the native backend, which NativeOpsHolder needs
                    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
                    Nd4j.factory().blas().setMaxThreads(1); // OpenBLAS's own threads (the convolutions' gemm)
                    pinned = true;
                }
            }
        }
    }
}

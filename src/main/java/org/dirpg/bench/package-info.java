/** Benchmarks behind {@code dirpg bench}: figures are printed, never asserted. */
package org.dirpg.bench;

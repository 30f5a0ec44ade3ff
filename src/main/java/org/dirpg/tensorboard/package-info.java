/**
 * TensorBoard event files written by DirPG runs (train's run directory, each experiment curve, each run of the
 * trainer server), so {@code tensorboard --logdir runs/} shows every curve while it trains. The TFRecord framing and
 * the Event messages are written here by hand: see {@link org.dirpg.tensorboard.EventFileWriter}.
 */
package org.dirpg.tensorboard;

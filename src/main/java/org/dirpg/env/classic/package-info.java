/**
 * Native Java environments of the paper's experiments (DeepSea and Gaussian choice of Sec. 6.2, the spanning-tree
 * bandit of Sec. 6.1) and a small enumerable test tree, all with states that encode to validated byte tokens, plus
 * the {@link org.dirpg.env.classic.Environments} registry that makes them from an id and string options.
 */
package org.dirpg.env.classic;

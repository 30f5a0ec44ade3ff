/**
 * Algorithm 1 (the direct policy gradient, eq. 10) on top of the search, and the exact evaluator of l(theta, eps)
 * (eq. 11), its gradient (eq. 12) and the exact policy gradient for small enumerable trees.
 */
package org.dirpg.estimator;

/** Gumbel, truncated Gumbel and log-sum-exp: the pure functions behind Gumbel-max and Top-Down sampling. */
package org.dirpg.gumbel;

/**
 * The trajectory search of Sec. 5: regions R(prefix, B), the lazy Top-Down / A* sampling generator (Algorithm 2),
 * its priorities and budget.
 */
package org.dirpg.search;

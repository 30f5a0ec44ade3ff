/** The paper's figures as runnable experiments: each writes a CSV and a PNG. */
package org.dirpg.experiment;

/** The gRPC server: startup, health, reflection, and the services of the subpackages. */
package org.dirpg.server;

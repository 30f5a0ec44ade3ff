/**
 * The environment protocol ({@code proto/dirpg/env/v1}) served for native Java environments: authenticated state
 * tokens ({@link org.dirpg.server.env.StateTokens}), the gRPC service
 * ({@link org.dirpg.server.env.EnvironmentServiceImpl}) and a small server around it
 * ({@link org.dirpg.server.env.EnvironmentServer}).
 */
package org.dirpg.server.env;

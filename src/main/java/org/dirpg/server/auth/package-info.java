/**
 * Access control of the DirPG server: bearer tokens checked by a server interceptor on every call but health, the
 * caller's identity (token name, admin or not) in the gRPC context, and the operator's allow-list of remote
 * environment endpoints.
 */
package org.dirpg.server.auth;

/**
 * Access control of the DirPG server: TLS and mutual TLS files ({@link org.dirpg.server.auth.ServerTls}), the rule
 * that a server binds beyond loopback only with TLS and authentication ({@link org.dirpg.server.auth.BindPolicy}),
 * bearer tokens and client-certificate identities checked by a server interceptor on every call but health (the
 * caller's identity, admin or not, in the gRPC context), and the operator's allow-list of remote environment
 * endpoints.
 */
package org.dirpg.server.auth;

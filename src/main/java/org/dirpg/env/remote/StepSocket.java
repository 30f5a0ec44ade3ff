package org.dirpg.env.remote;

import io.grpc.Status;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.dirpg.proto.env.v1.StepBatchRequest;
import org.dirpg.proto.env.v1.StepBatchResponse;

/**
 * StepBatch over a server's step socket: a Unix domain socket on this host where the Python env server answers the
 * same requests as length-prefixed frames without gRPC ({@code --step-socket}; docs/protocols.md, "The step
 * socket"). At the paper's order a search makes one batch-1 call per interaction, and a gRPC round trip costs
 * several times the served step; this one costs little more than the step.
 *
 * <p>One connection per calling thread (one per search in flight), opened on first use with the hello frame (the
 * bearer token of {@link RemoteCredentials}, if any). {@link #step} returns null whenever gRPC should carry the batch
 * instead, and never fails for a transport reason: the socket could not be reached or refused the hello (then no
 * thread tries it again), or a connection broke (that thread opens a new one next time). An application error (a bad
 * token, an illegal action) fails as StepBatch's would, through {@link FailoverCaller#applicationError}.
 *
 * <p>Call order: {@link #step} any number of times from any threads, then {@link #close()}. Thread-safe.
 */
final class StepSocket implements AutoCloseable {
    /** The hello frame's prefix; the server's bearer token follows it. */
    static final byte[] HELLO = "DIRPG-STEP-SOCKET/1 ".getBytes(StandardCharsets.US_ASCII);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StepSocket.class);

    private final Path path;
    private final String endpoint;
    private final byte[] hello;
    private final int maxMessageBytes;
    private final ThreadLocal<SocketChannel> connections = new ThreadLocal<>();
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong answered = new AtomicLong();
    private volatile boolean unusable;

    /**
     * @param path            the socket the server named in its description
     * @param bearerToken     the server's bearer token, or null
     * @param maxMessageBytes the largest response accepted
     */
    StepSocket(Path path, String bearerToken, int maxMessageBytes) {
        this.path = path;
        this.endpoint = "unix:" + path;
        byte[] token = bearerToken == null ? new byte[0] : bearerToken.getBytes(StandardCharsets.UTF_8);
        this.hello = new byte[HELLO.length + token.length];
        System.arraycopy(HELLO, 0, hello, 0, HELLO.length);
        System.arraycopy(token, 0, hello, HELLO.length, token.length);
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The step socket {@code described} names, if this client may use it: one endpoint, on this host. */
    static StepSocket of(String described, String authority, RemoteOptions options) {
        if (described.isEmpty() || !loopback(authority) || !Files.exists(Path.of(described))) {
            return null;
        }
        return new StepSocket(Path.of(described), options.credentials().token(), options.maxMessageBytes());
    }

    private static boolean loopback(String authority) {
        String host = authority.startsWith("[") ? authority.substring(1, Math.max(1, authority.indexOf(']')))
                : authority.contains(":") ? authority.substring(0, authority.lastIndexOf(':')) : authority;
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    }

    /** Batches answered over the socket so far. */
    long answered() {
        return answered.get();
    }

    /**
     * {@code request}'s response over the calling thread's connection, or null when gRPC should carry it.
     *
     * @param what names the call in an error message, as {@link FailoverCaller#call} does
     * @throws IllegalArgumentException or IllegalStateException for an application error, as StepBatch's
     */
    StepBatchResponse step(StepBatchRequest request, String what) {
        if (unusable) {
            return null;
        }
        SocketChannel channel = connections.get();
        try {
            if (channel == null) {
                channel = connect();
                if (channel == null) {
                    return null;
                }
            }
            write(channel, request.toByteArray());
            ByteBuffer answer = read(channel);
            int code = answer.get() & 0xff;
            if (code == 0) {
                StepBatchResponse response = StepBatchResponse.parseFrom(answer);
                answered.incrementAndGet();
                return response;
            }
            Status status = Status.fromCodeValue(code)
                    .withDescription(StandardCharsets.UTF_8.decode(answer).toString());
            if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) { // over the server's limit: it closed
                drop(channel);
                return null;
            }
            throw FailoverCaller.applicationError(what, endpoint, status, status.asRuntimeException());
        } catch (IOException e) { // the connection broke (the server stopped or restarted; or a garbled frame)
            if (channel != null) {
                drop(channel);
            }
            return null;
        }
    }

    /** A new connection for the calling thread after the hello; null (and no more tries) when refused. */
    private SocketChannel connect() throws IOException {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException | UnsupportedOperationException e) {
            giveUp("cannot connect: " + e.getMessage());
            return null;
        }
        write(channel, hello);
        ByteBuffer answer = read(channel);
        if ((answer.get() & 0xff) != 0) {
            channel.close();
            giveUp(StandardCharsets.UTF_8.decode(answer).toString());
            return null;
        }
        open.add(channel);
        connections.set(channel);
        return channel;
    }

    private void giveUp(String why) {
        if (!unusable) {
            unusable = true;
            LOG.warn("the env server's step socket {} is not used ({}); stepping over gRPC", path, why);
        }
    }

    private void drop(SocketChannel channel) {
        connections.remove();
        open.remove(channel);
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a broken connection
        }
    }

    private static void write(SocketChannel channel, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(4 + payload.length);
        frame.putInt(payload.length).put(payload).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    private ByteBuffer read(SocketChannel channel) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(4);
        fill(channel, head);
        int length = head.flip().getInt();
        if (length < 1 || length > maxMessageBytes + 1) {
            throw new IOException("a response frame of " + length + " bytes");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        fill(channel, body);
        return body.flip();
    }

    private static void fill(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("the step socket closed");
            }
        }
    }

    @Override
    public void close() {
        for (SocketChannel channel : open) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        open.clear();
    }
}

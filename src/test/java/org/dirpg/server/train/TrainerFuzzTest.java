package org.dirpg.server.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.dirpg.proto.env.v1.EnvironmentServiceGrpc;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.TrainerServiceGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few hundred malformed and extreme requests against every unary method of the trainer and environment services:
 * each must get a status that blames the request (never UNKNOWN or INTERNAL), and the server must stay healthy and
 * serve a normal run afterwards.
 */
class TrainerFuzzTest {
    private static final Set<Status.Code> CLIENT_CODES = Set.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT,
            Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION, Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.UNAVAILABLE, Status.Code.PERMISSION_DENIED, Status.Code.UNIMPLEMENTED);

    @TempDir
    Path dir;

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static MethodDescriptor<byte[], byte[]> raw(String fullName) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullName).setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    /** Random bytes, or a valid-looking field header followed by garbage, or huge varints. */
    private static byte[] garbage(SplittableRandom rng) {
        int kind = rng.nextInt(4);
        byte[] b = new byte[1 + rng.nextInt(kind == 3 ? 4000 : 64)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) rng.nextInt(256);
        }
        if (kind == 1) {
            b[0] = 0x0A; // field 1, length-delimited: a length running past the end
            if (b.length > 1) {
                b[1] = (byte) 0xFF;
            }
        } else if (kind == 2) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) 0xFF; // an unterminated varint
            }
        }
        return b;
    }

    @Test
    void malformedAndExtremeRequestsGetClientErrorsAndTheServerStaysHealthy() throws Exception {
        try (TrainerServer s = new TrainerServer(1, dir)) {
            Map<Status.Code, Integer> seen = new EnumMap<>(Status.Code.class);
            SplittableRandom rng = new SplittableRandom(42);
            java.util.List<String> methods = new java.util.ArrayList<>();
            for (var m : TrainerServiceGrpc.getServiceDescriptor().getMethods()) {
                methods.add(m.getFullMethodName());
            }
            for (var m : EnvironmentServiceGrpc.getServiceDescriptor().getMethods()) {
                if (m.getType() == MethodDescriptor.MethodType.UNARY) {
                    methods.add(m.getFullMethodName());
                }
            }
            methods.remove("dirpg.train.v1.TrainerService/StreamMetrics");
            methods.add("grpc.health.v1.Health/Check"); // garbage to health blames the request too (was UNKNOWN)
            int calls = 0;
            for (int i = 0; i < 300; i++) {
                String method = methods.get(i % methods.size());
                byte[] request = garbage(rng);
                Status.Code code;
                try {
                    ClientCalls.blockingUnaryCall(s.channel, raw(method),
                            CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), request);
                    code = Status.Code.OK;
                } catch (StatusRuntimeException e) {
                    code = e.getStatus().getCode();
                    String d = String.valueOf(e.getStatus().getDescription());
                    assertTrue(d.length() <= 1100, "descriptions are bounded: " + d.length());
                }
                final Status.Code c = code;
                assertTrue(CLIENT_CODES.contains(code), () -> method + " answered " + c);
                seen.merge(code, 1, Integer::sum);
                calls++;
            }
            assertEquals(300, calls);
            assertTrue(seen.getOrDefault(Status.Code.INVALID_ARGUMENT, 0) > 100, seen.toString());
            // A truncated message is the client's fault, named as such.
            StatusRuntimeException bad = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(s.channel, raw("dirpg.train.v1.TrainerService/GetRun"),
                            CallOptions.DEFAULT, new byte[] {0x0A, 0x7F, 0x41}));
            assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
            assertTrue(bad.getStatus().getDescription().startsWith(
                    "request: not a valid dirpg.train.v1.TrainerService/GetRun request message"), bad.getStatus().toString());

            assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(s.channel)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus());
            String id = s.create(TrainerServer.deepSea(5, 1).build()).getRunId();
            assertEquals(RunState.RUN_STATE_SUCCEEDED, s.awaitState(id, RunState.RUN_STATE_SUCCEEDED).getState());
        }
    }
}

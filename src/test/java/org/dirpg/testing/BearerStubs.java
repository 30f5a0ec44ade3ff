package org.dirpg.testing;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;
import org.dirpg.proto.train.v1.TrainerServiceGrpc;

/** Trainer stubs that call as the holder of a bearer token, for the tests of identities and limits. */
public final class BearerStubs {
    private BearerStubs() {
    }

    /** A blocking stub sending {@code authorization: Bearer TOKEN} (none for a null token), 30 s per call. */
    public static TrainerServiceGrpc.TrainerServiceBlockingStub as(ManagedChannel ch, String token) {
        Metadata h = new Metadata();
        if (token != null) {
            h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        }
        return TrainerServiceGrpc.newBlockingStub(ch).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }
}

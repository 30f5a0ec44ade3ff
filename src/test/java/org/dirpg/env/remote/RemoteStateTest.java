package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import org.dirpg.env.TensorSpec;
import org.dirpg.proto.env.v1.StateView;
import org.junit.jupiter.api.Test;

/**
 * How a client reads the explicit presence of StateView's bounds: absent is "no bound known" (+inf above, -inf
 * below), an infinity on the open side means the same, a number is the bound, and NaN or an infinity on the closed
 * side is refused naming the field. (Views from real servers are covered by RemoteEnvironmentTest and the contract
 * tests; servers only ever send finite bounds, so the infinities are built here.)
 */
class RemoteStateTest {
    private static final List<TensorSpec> OBS = List.of(new TensorSpec("x", new int[] {2}, "float64"));

    private static StateView view(UnaryOperator<StateView.Builder> edit) {
        StateView.Builder b = StateView.newBuilder().addAllObservation(ProtoTensors.encode(OBS, new double[] {1, 2}))
                .setLegalActions(0b11);
        return edit.apply(b).build();
    }

    private static RemoteState read(UnaryOperator<StateView.Builder> edit) {
        return RemoteState.of("Test-v0", 2, view(edit));
    }

    @Test
    void absentBoundsAreInfiniteAndPresentOnesAreTakenAsSent() {
        RemoteState none = read(b -> b);
        assertEquals(Double.POSITIVE_INFINITY, none.returnToGoUpperBound());
        assertEquals(Double.NEGATIVE_INFINITY, none.returnToGoLowerBound());
        assertEquals(Double.POSITIVE_INFINITY, none.returnToGoHeuristic(), "the heuristic defaults to U");
        RemoteState zero = read(b -> b.setReturnToGoUpperBound(0.0).setReturnToGoLowerBound(0.0));
        assertEquals(0.0, zero.returnToGoUpperBound(), "a bound of 0 is a bound, not absence");
        assertEquals(0.0, zero.returnToGoLowerBound());
        RemoteState both = read(b -> b.setReturnToGoUpperBound(7.5).setReturnToGoLowerBound(-30.0));
        assertEquals(7.5, both.returnToGoUpperBound());
        assertEquals(-30.0, both.returnToGoLowerBound());
    }

    @Test
    void infinitiesOnTheOpenSideMeanNoBound() {
        RemoteState open = read(b -> b.setReturnToGoUpperBound(Double.POSITIVE_INFINITY)
                .setReturnToGoLowerBound(Double.NEGATIVE_INFINITY));
        assertEquals(Double.POSITIVE_INFINITY, open.returnToGoUpperBound());
        assertEquals(Double.NEGATIVE_INFINITY, open.returnToGoLowerBound());
    }

    @Test
    void terminalStatesHaveZeroToGoWhateverIsSent() {
        RemoteState end = read(b -> b.setTerminal(true).setLegalActions(0).setReturnToGoUpperBound(5.0));
        assertEquals(0.0, end.returnToGoUpperBound());
        assertEquals(0.0, end.returnToGoLowerBound());
    }

    @Test
    void nanAndClosedSideInfinitiesAreRefusedNamingTheField() {
        List<UnaryOperator<StateView.Builder>> bad = List.of(
                b -> b.setReturnToGoUpperBound(Double.NaN),
                b -> b.setReturnToGoUpperBound(Double.NEGATIVE_INFINITY),
                b -> b.setReturnToGoLowerBound(Double.NaN),
                b -> b.setReturnToGoLowerBound(Double.POSITIVE_INFINITY));
        List<String> fields = List.of("return_to_go_upper_bound = NaN", "return_to_go_upper_bound = -Infinity",
                "return_to_go_lower_bound = NaN", "return_to_go_lower_bound = Infinity");
        for (int i = 0; i < bad.size(); i++) {
            UnaryOperator<StateView.Builder> edit = bad.get(i);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(edit));
            assertTrue(e.getMessage().startsWith("Test-v0: server sent " + fields.get(i) + "; "), e.getMessage());
        }
    }
}

package org.dirpg.env.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointListTest {
    @Test
    void parsesHostsPortsAndBracketedIpv6() {
        EndpointList l = EndpointList.parse("127.0.0.1:5001, envs.local:5002,[::1]:5003");
        assertEquals(List.of(new EndpointList.Endpoint("127.0.0.1", 5001), new EndpointList.Endpoint("envs.local", 5002),
                new EndpointList.Endpoint("::1", 5003)), l.endpoints());
        assertEquals("127.0.0.1:5001,envs.local:5002,[::1]:5003", l.toString());
        assertEquals(l, EndpointList.parse(l.toString()));
    }

    @Test
    void badEntriesAreNamed() {
        assertMessage("", "endpoint list is empty");
        assertMessage("a:1,b", "endpoint 'b' is not host:port");
        assertMessage("a:x", "endpoint 'a:x' has a port that is not a number");
        assertMessage("a:70000", "port of a must be in [1, 65535], got 70000");
        assertMessage("::1:80", "write an IPv6 host in brackets");
        assertMessage(":80", "endpoint ':80' is not host:port");
    }

    private static void assertMessage(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EndpointList.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}

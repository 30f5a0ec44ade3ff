package org.dirpg.server.train;

/**
 * Client input echoed into error messages is cut short: a status description travels in a header, and a megabyte id
 * quoted back would overflow the header limit and turn INVALID_ARGUMENT or NOT_FOUND into INTERNAL.
 */
final class Messages {
    /** Characters of client input quoted in a message. */
    static final int QUOTED = 100;

    private Messages() {
    }

    /** {@code s} itself if short, else its first {@link #QUOTED} characters and how many were left out. */
    static String cut(String s) {
        return cut(s, QUOTED);
    }

    static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "... (" + (s.length() - max) + " more characters)";
    }
}

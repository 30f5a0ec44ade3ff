package org.dirpg.env.minigrid;

/**
 * The observation encoding of the 2020 gym-minigrid the authors vendored (issue 16's "old encoding" candidate), made
 * from MiniGrid's of today. Object indices were {@code empty 0, wall 1, floor 2, door 3, locked_door 4, key 5, ball 6,
 * box 7, goal 8} (today: {@code unseen 0, empty 1, wall 2, floor 3, door 4, ...}); a door's state channel was 1 when
 * open and 0 otherwise (today: 0 open, 1 closed); and {@code gen_obs} encoded the whole view, its visibility mask
 * computed but unused, so nothing is ever unseen. Colours are unchanged.
 */
final class LegacyEncoding {
    /** The option value that selects it. */
    static final String NAME = "gym-minigrid-2020";
    private static final byte OLD_EMPTY = 0;
    private static final byte OLD_WALL = 1;
    private static final byte OLD_DOOR = 3;

    private LegacyEncoding() {
    }

    /** Rewrites {@code image}, rendered by today's rules with every cell visible, into the 2020 encoding in place. */
    static void apply(byte[] image) {
        for (int o = 0; o < image.length; o += 3) {
            switch (image[o]) {
                case MultiRoomLayout.EMPTY -> image[o] = OLD_EMPTY;
                case MultiRoomLayout.WALL -> image[o] = OLD_WALL;
                case MultiRoomLayout.DOOR -> {
                    image[o] = OLD_DOOR;
                    image[o + 2] = (byte) (image[o + 2] == 0 ? 1 : 0);
                }
                case MultiRoomLayout.GOAL -> {
                    // goal keeps index 8
                }
                default -> throw new IllegalStateException("MultiRoom renders no object " + image[o]);
            }
        }
    }
}

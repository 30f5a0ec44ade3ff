package org.dirpg.env.minigrid;

/**
 * MiniGrid's partially observable observation ({@code MiniGridEnv.gen_obs}): the 7x7 cells in front of the agent,
 * rotated so the agent looks "up" from the bottom centre (3, 6), encoded as (object, colour, state) per cell and
 * flattened [x][y][channel], with cells outside the grid seen as grey walls. Unless walls are see-through, cells
 * hidden behind walls and closed doors are masked to (0, 0, 0) by MiniGrid's {@code Grid.process_vis} sweep; the
 * agent's own cell reads as empty.
 *
 * <p>View cell (vx, vy) shows world cell {@code agent + dir * (6 - vy) + right * (vx - 3)}, which is what
 * {@code Grid.slice} followed by {@code dir + 1} left rotations does.
 */
final class EgocentricView {
    static final int SIZE = 7;
    static final int IMAGE_LENGTH = SIZE * SIZE * 3;
    private static final int[] DX = {1, 0, -1, 0};
    private static final int[] DY = {0, 1, 0, -1};
    private static final int AGENT_X = SIZE / 2;
    private static final int AGENT_Y = SIZE - 1;

    private EgocentricView() {
    }

    /** Writes the image of the agent at (ax, ay) facing {@code dir} into {@code image[0..147)}. */
    static void render(MultiRoomLayout map, long openDoors, int ax, int ay, int dir, boolean seeThroughWalls,
                       byte[] image) {
        int dx = DX[dir];
        int dy = DY[dir];
        int rx = -dy;
        int ry = dx;
        // Encode every cell of the view (object, colour, state) and whether it blocks sight.
        boolean[] opaque = new boolean[SIZE * SIZE];
        for (int vx = 0; vx < SIZE; vx++) {
            for (int vy = 0; vy < SIZE; vy++) {
                int wx = ax + dx * (AGENT_Y - vy) + rx * (vx - AGENT_X);
                int wy = ay + dy * (AGENT_Y - vy) + ry * (vx - AGENT_X);
                int o = (vx * SIZE + vy) * 3;
                byte t;
                byte c;
                byte s = 0;
                if (wx < 0 || wy < 0 || wx >= map.width || wy >= map.height) {
                    t = MultiRoomLayout.WALL;
                    c = MultiRoomLayout.GREY;
                } else {
                    int cell = wx + wy * map.width;
                    t = map.type[cell];
                    c = map.color[cell];
                    if (t == MultiRoomLayout.DOOR && (openDoors >>> map.doorIndex[cell] & 1L) == 0) {
                        s = 1;
                    }
                }
                image[o] = t;
                image[o + 1] = t == MultiRoomLayout.EMPTY ? 0 : c;
                image[o + 2] = s;
                opaque[vx * SIZE + vy] = t == MultiRoomLayout.WALL || (t == MultiRoomLayout.DOOR && s == 1);
            }
        }
        int agent = (AGENT_X * SIZE + AGENT_Y) * 3;
        image[agent] = MultiRoomLayout.EMPTY;
        image[agent + 1] = 0;
        image[agent + 2] = 0;
        if (!seeThroughWalls) {
            boolean[] visible = processVis(opaque);
            for (int i = 0; i < SIZE * SIZE; i++) {
                if (!visible[i]) {
                    image[i * 3] = 0;
                    image[i * 3 + 1] = 0;
                    image[i * 3 + 2] = 0;
                }
            }
        }
    }

    /**
     * {@code Grid.process_vis(agent_pos=(3, 6))}: sweeping rows from the agent's upwards, light spreads sideways and
     * diagonally up from every visible cell that does not block sight. Indexed vx * 7 + vy.
     */
    static boolean[] processVis(boolean[] opaque) {
        boolean[] mask = new boolean[SIZE * SIZE];
        mask[AGENT_X * SIZE + AGENT_Y] = true;
        for (int j = SIZE - 1; j >= 0; j--) {
            for (int i = 0; i < SIZE - 1; i++) {
                if (!mask[i * SIZE + j] || opaque[i * SIZE + j]) {
                    continue;
                }
                mask[(i + 1) * SIZE + j] = true;
                if (j > 0) {
                    mask[(i + 1) * SIZE + j - 1] = true;
                    mask[i * SIZE + j - 1] = true;
                }
            }
            for (int i = SIZE - 1; i >= 1; i--) {
                if (!mask[i * SIZE + j] || opaque[i * SIZE + j]) {
                    continue;
                }
                mask[(i - 1) * SIZE + j] = true;
                if (j > 0) {
                    mask[(i - 1) * SIZE + j - 1] = true;
                    mask[i * SIZE + j - 1] = true;
                }
            }
        }
        return mask;
    }
}

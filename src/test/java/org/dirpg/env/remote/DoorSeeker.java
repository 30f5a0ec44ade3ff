package org.dirpg.env.remote;

import java.util.ArrayDeque;
import org.dirpg.env.minigrid.MultiRoomLayout;
import org.dirpg.env.minigrid.MultiRoomState;

/**
 * A door-seeking MultiRoom driver for the differential test: walks the shortest path (through passable cells) to the
 * nearest closed door and toggles it; once every door is open, walks to the goal. Reads the map through the twin's
 * full-grid encoding, as MiniGrid encodes it.
 */
final class DoorSeeker {
    private static final int[] DX = {1, 0, -1, 0};
    private static final int[] DY = {0, 1, 0, -1};

    private DoorSeeker() {
    }

    static int action(MultiRoomState s) {
        MultiRoomLayout map = s.layout();
        int w = map.width();
        int h = map.height();
        byte[] grid = map.encodeGrid(s.openDoors());
        int[] agent = s.agent();
        boolean anyClosed = false;
        for (int i = 0; i < w * h; i++) {
            anyClosed |= grid[i * 3] == 4 && grid[i * 3 + 2] == 1;
        }
        // BFS from the targets outwards; passable cells are empty, open doors and the goal.
        int[] dist = new int[w * h];
        java.util.Arrays.fill(dist, Integer.MAX_VALUE);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                int o = (x * h + y) * 3;
                boolean target = anyClosed ? grid[o] == 4 && grid[o + 2] == 1 : grid[o] == 8;
                if (target) {
                    dist[x + y * w] = 0;
                    queue.add(x + y * w);
                }
            }
        }
        while (!queue.isEmpty()) {
            int c = queue.poll();
            int cx = c % w;
            int cy = c / w;
            for (int d = 0; d < 4; d++) {
                int nx = cx + DX[d];
                int ny = cy + DY[d];
                if (nx < 0 || ny < 0 || nx >= w || ny >= h || dist[nx + ny * w] != Integer.MAX_VALUE) {
                    continue;
                }
                int o = (nx * h + ny) * 3;
                boolean passable = grid[o] == 1 || grid[o] == 8 || (grid[o] == 4 && grid[o + 2] == 0);
                if (passable) {
                    dist[nx + ny * w] = dist[c] + 1;
                    queue.add(nx + ny * w);
                }
            }
        }
        int best = -1;
        int bestDist = Integer.MAX_VALUE;
        for (int d = 0; d < 4; d++) {
            int nx = agent[0] + DX[d];
            int ny = agent[1] + DY[d];
            if (dist[nx + ny * w] < bestDist) {
                bestDist = dist[nx + ny * w];
                best = d;
            }
        }
        if (best < 0) {
            return 0;
        }
        if (best == agent[2]) {
            int o = ((agent[0] + DX[best]) * h + agent[1] + DY[best]) * 3;
            return grid[o] == 4 && grid[o + 2] == 1 ? 5 : 2;
        }
        return best == (agent[2] + 1) % 4 ? 1 : 0;
    }
}

package org.dirpg.env.minigrid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The static part of one MultiRoom map: walls, doors (with their colours), the goal, and the agent's start, generated
 * from a seed exactly as MiniGrid 3.2.0's {@code MultiRoomEnv._gen_grid} does after gymnasium's
 * {@code reset(seed=...)}: every draw comes from {@link Pcg64} in the same order as numpy's, so the same seed gives
 * the same map, door colours, start cell and direction as in Python. Immutable and shared by every state of an
 * episode; the dynamic part (agent, step count, which doors are open) lives in {@link MultiRoomState}.
 */
public final class MultiRoomLayout {
    /** Cell contents, as MiniGrid's {@code OBJECT_TO_IDX}. */
    static final byte EMPTY = 1;
    static final byte WALL = 2;
    static final byte DOOR = 4;
    static final byte GOAL = 8;
    /** MiniGrid's {@code COLOR_TO_IDX}: red 0, green 1, blue 2, purple 3, yellow 4, grey 5. */
    static final byte GREEN = 1;
    static final byte GREY = 5;
    /** MiniGrid's {@code COLOR_NAMES} (sorted names) as colour indices: blue, green, grey, purple, red, yellow. */
    private static final byte[] COLOR_NAMES_SORTED = {2, 1, 5, 3, 0, 4};

    final int width;
    final int height;
    /** Object index per cell, x + y * width. */
    final byte[] type;
    /** Colour index per cell. */
    final byte[] color;
    /** Door number per cell (in grid order, row-major from the top left), -1 elsewhere. */
    final byte[] doorIndex;
    final int numDoors;
    final int goalX;
    final int goalY;
    final int startX;
    final int startY;
    final int startDir;
    final int numRooms;

    private MultiRoomLayout(int width, int height, byte[] type, byte[] color, int goalX, int goalY, int startX,
                            int startY, int startDir, int numRooms) {
        this.width = width;
        this.height = height;
        this.type = type;
        this.color = color;
        this.doorIndex = new byte[type.length];
        int doors = 0;
        for (int i = 0; i < type.length; i++) {
            doorIndex[i] = type[i] == DOOR ? (byte) doors++ : -1;
        }
        if (doors > 63) {
            throw new IllegalStateException("a MultiRoom map has " + doors + " doors; at most 63 are supported");
        }
        this.numDoors = doors;
        this.goalX = goalX;
        this.goalY = goalY;
        this.startX = startX;
        this.startY = startY;
        this.startDir = startDir;
        this.numRooms = numRooms;
    }

    /** The cell's object index at (x, y) inside the grid. */
    byte typeAt(int x, int y) {
        return type[x + y * width];
    }

    /**
     * MiniGrid's full-grid encoding {@code grid.encode()} with the given doors open: shape (width, height, 3) indexed
     * [x][y][channel], flattened row-major. The agent is not part of it (as in MiniGrid).
     */
    public byte[] encodeGrid(long openDoors) {
        byte[] out = new byte[width * height * 3];
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                int cell = x + y * width;
                int o = (x * height + y) * 3;
                out[o] = type[cell];
                out[o + 1] = color[cell];
                out[o + 2] = (byte) (type[cell] == DOOR && (openDoors >>> doorIndex[cell] & 1L) == 0 ? 1 : 0);
            }
        }
        return out;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int numDoors() {
        return numDoors;
    }

    public int numRooms() {
        return numRooms;
    }

    /** The goal cell as {x, y}. */
    public int[] goal() {
        return new int[] {goalX, goalY};
    }

    /** The agent's start as {x, y, direction}. */
    public int[] start() {
        return new int[] {startX, startY, startDir};
    }

    private record Room(int topX, int topY, int sizeX, int sizeY, int entryX, int entryY) {
    }

    /**
     * {@code MultiRoomEnv._gen_grid(width, height)} followed by MiniGrid's {@code reset}: draws from {@code rng} in
     * numpy's order.
     */
    static MultiRoomLayout generate(Pcg64 rng, int minNumRooms, int maxNumRooms, int maxRoomSize, int width,
                                    int height) {
        List<Room> roomList = new ArrayList<>();
        int numRooms = (int) rng.integers(minNumRooms, maxNumRooms + 1L);
        Generator g = new Generator(rng, width, height);
        while (roomList.size() < numRooms) {
            List<Room> current = new ArrayList<>();
            int entryX = (int) rng.integers(0, width - 2L);
            int entryY = (int) rng.integers(0, width - 2L);
            g.placeRoom(numRooms, current, 4, maxRoomSize, 2, entryX, entryY);
            if (current.size() > roomList.size()) {
                roomList = current;
            }
        }
        byte[] type = new byte[width * height];
        byte[] color = new byte[width * height];
        Arrays.fill(type, EMPTY);
        int prevDoorColor = -1;
        for (int idx = 0; idx < roomList.size(); idx++) {
            Room room = roomList.get(idx);
            for (int i = 0; i < room.sizeX; i++) {
                set(type, color, width, room.topX + i, room.topY, WALL, GREY);
                set(type, color, width, room.topX + i, room.topY + room.sizeY - 1, WALL, GREY);
            }
            for (int j = 0; j < room.sizeY; j++) {
                set(type, color, width, room.topX, room.topY + j, WALL, GREY);
                set(type, color, width, room.topX + room.sizeX - 1, room.topY + j, WALL, GREY);
            }
            if (idx > 0) {
                // _rand_elem(sorted(COLOR_NAMES minus the previous door's colour))
                byte[] choices = new byte[prevDoorColor < 0 ? 6 : 5];
                int n = 0;
                for (byte c : COLOR_NAMES_SORTED) {
                    if (c != prevDoorColor) {
                        choices[n++] = c;
                    }
                }
                byte doorColor = choices[(int) rng.integers(0, n)];
                set(type, color, width, room.entryX, room.entryY, DOOR, doorColor);
                prevDoorColor = doorColor;
            }
        }
        Room first = roomList.get(0);
        int[] agent = placeObj(rng, type, width, height, first, -1, -1);
        int dir = (int) rng.integers(0, 4);
        Room last = roomList.get(roomList.size() - 1);
        int[] goal = placeObj(rng, type, width, height, last, agent[0], agent[1]);
        set(type, color, width, goal[0], goal[1], GOAL, GREEN);
        return new MultiRoomLayout(width, height, type, color, goal[0], goal[1], agent[0], agent[1], dir,
                roomList.size());
    }

    private static void set(byte[] type, byte[] color, int width, int x, int y, byte t, byte c) {
        if (x < 0 || y < 0 || x >= width || y >= type.length / width) {
            throw new IllegalStateException("MultiRoom generation wrote outside the grid at (" + x + ", " + y + ")");
        }
        type[x + y * width] = t;
        color[x + y * width] = c;
    }

    /** MiniGrid's {@code place_obj(obj, top, size)}: rejection sampling of an empty cell that is not the agent's. */
    private static int[] placeObj(Pcg64 rng, byte[] type, int width, int height, Room room, int agentX, int agentY) {
        int topX = Math.max(room.topX, 0);
        int topY = Math.max(room.topY, 0);
        while (true) {
            int x = (int) rng.integers(topX, Math.min(topX + room.sizeX, width));
            int y = (int) rng.integers(topY, Math.min(topY + room.sizeY, height));
            if (type[x + y * width] != EMPTY) {
                continue;
            }
            if (x == agentX && y == agentY) {
                continue;
            }
            return new int[] {x, y};
        }
    }

    /** {@code MultiRoomEnv._placeRoom}, recursive, with its exact draws and checks. */
    private record Generator(Pcg64 rng, int width, int height) {
        boolean placeRoom(int numLeft, List<Room> roomList, int minSz, int maxSz, int entryDoorWall, int entryX,
                          int entryY) {
            int sizeX = (int) rng.integers(minSz, maxSz + 1L);
            int sizeY = (int) rng.integers(minSz, maxSz + 1L);
            int topX;
            int topY;
            if (roomList.isEmpty()) {
                topX = entryX;
                topY = entryY;
            } else if (entryDoorWall == 0) {
                topX = entryX - sizeX + 1;
                topY = (int) rng.integers(entryY - sizeY + 2L, entryY);
            } else if (entryDoorWall == 1) {
                topX = (int) rng.integers(entryX - sizeX + 2L, entryX);
                topY = entryY - sizeY + 1;
            } else if (entryDoorWall == 2) {
                topX = entryX;
                topY = (int) rng.integers(entryY - sizeY + 2L, entryY);
            } else {
                topX = (int) rng.integers(entryX - sizeX + 2L, entryX);
                topY = entryY;
            }
            if (topX < 0 || topY < 0) {
                return false;
            }
            if (topX + sizeX > width || topY + sizeY >= height) {
                return false;
            }
            for (int k = 0; k < roomList.size() - 1; k++) {
                Room room = roomList.get(k);
                boolean nonOverlap = topX + sizeX < room.topX || room.topX + room.sizeX <= topX
                        || topY + sizeY < room.topY || room.topY + room.sizeY <= topY;
                if (!nonOverlap) {
                    return false;
                }
            }
            roomList.add(new Room(topX, topY, sizeX, sizeY, entryX, entryY));
            if (numLeft == 1) {
                return true;
            }
            for (int i = 0; i < 8; i++) {
                // _rand_elem(sorted({0, 1, 2, 3} minus the entry wall))
                int pick = (int) rng.integers(0, 3);
                int exitDoorWall = pick < entryDoorWall ? pick : pick + 1;
                int nextEntryWall = (exitDoorWall + 2) % 4;
                int exitX;
                int exitY;
                if (exitDoorWall == 0) {
                    exitX = topX + sizeX - 1;
                    exitY = topY + (int) rng.integers(1, sizeY - 1L);
                } else if (exitDoorWall == 1) {
                    exitX = topX + (int) rng.integers(1, sizeX - 1L);
                    exitY = topY + sizeY - 1;
                } else if (exitDoorWall == 2) {
                    exitX = topX;
                    exitY = topY + (int) rng.integers(1, sizeY - 1L);
                } else {
                    exitX = topX + (int) rng.integers(1, sizeX - 1L);
                    exitY = topY;
                }
                if (placeRoom(numLeft - 1, roomList, minSz, maxSz, nextEntryWall, exitX, exitY)) {
                    break;
                }
            }
            return true;
        }
    }
}

package org.dirpg.server.train;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.dirpg.proto.train.v1.RunSpec;
import org.dirpg.proto.train.v1.RunState;
import org.dirpg.proto.train.v1.UpdateMetrics;

/**
 * The server's durable registry of runs and their metrics: one SQLite database ({@code runs.db}) in the server's data
 * directory, in WAL mode so that readers (ListRuns, StreamMetrics of old updates) never wait for the writer and a
 * killed process loses nothing that was committed.
 *
 * <p>Writes come from one thread only, the {@link StoreWriter}, which batches them into transactions; reads come from
 * any thread through a second connection. {@code synchronous=NORMAL} makes a commit durable against a crash of the
 * process (kill -9), not against a power cut, which is the trade every WAL-mode service makes for per-update writes.
 *
 * <p>Tables: {@code runs} (one row per run: its spec with defaults filled in, owner, state, progress, latest checkpoint
 * and error, in creation order by {@code seq}) and {@code metrics} (one protobuf-encoded {@link UpdateMetrics} per
 * run and update index).
 */
final class RunStore implements AutoCloseable {
    /** The file name of the database inside the data directory. */
    static final String FILE = "runs.db";

    private final Path dataDir;
    private final Connection writer;
    private final Connection reader;
    private boolean fresh;

    /** Opens (creating if needed) the store in {@code dataDir}. */
    RunStore(Path dataDir) {
        this.dataDir = dataDir;
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory: " + e.getMessage(), e);
        }
        Path file = dataDir.resolve(FILE).toAbsolutePath();
        String url = "jdbc:sqlite:" + file;
        try {
            writer = DriverManager.getConnection(url);
            try (Statement s = writer.createStatement()) {
                String check;
                try (var rs = s.executeQuery("PRAGMA quick_check")) {
                    check = rs.next() ? rs.getString(1) : "no answer";
                } catch (SQLException e) {
                    check = e.getMessage();
                }
                if (!"ok".equals(check)) {
                    writer.close();
                    throw new IllegalStateException("the run store " + file + " is damaged (SQLite quick_check: "
                            + Messages.cut(check, 200) + "); stop, move it aside, restore a backup or start on a new "
                            + "--data-dir (checkpoint files stay usable with CreateRun checkpoint_path)");
                }
                try (var rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'runs'")) {
                    fresh = !rs.next() || rs.getInt(1) == 0;
                }
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("CREATE TABLE IF NOT EXISTS runs ("
                        + " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " id TEXT NOT NULL UNIQUE,"
                        + " owner TEXT NOT NULL,"
                        + " spec BLOB NOT NULL,"
                        + " state INTEGER NOT NULL,"
                        + " first_update INTEGER NOT NULL,"
                        + " updates_done INTEGER NOT NULL,"
                        + " interactions INTEGER NOT NULL,"
                        + " recovered_from INTEGER,"
                        + " latest_checkpoint TEXT NOT NULL,"
                        + " error TEXT NOT NULL,"
                        + " created_ms INTEGER NOT NULL,"
                        + " ended_ms INTEGER)");
                s.execute("CREATE TABLE IF NOT EXISTS metrics ("
                        + " run_id TEXT NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL,"
                        + " PRIMARY KEY (run_id, idx)) WITHOUT ROWID");
            }
            writer.setAutoCommit(false);
            writer.commit();
            reader = DriverManager.getConnection(url);
            try (Statement s = reader.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the run store: " + e.getMessage(), e);
        }
    }

    /** True when the store had no tables when it was opened (a new, or an emptied, file). */
    boolean fresh() {
        return fresh;
    }

    // ---- writes: only from the StoreWriter thread, inside its transaction ----

    /** Inserts or updates {@code r}'s row (everything but seq, owner, spec and created time is updated). */
    void put(RunRecord r) throws SQLException {
        try (PreparedStatement p = writer.prepareStatement("INSERT INTO runs (id, owner, spec, state, first_update,"
                + " updates_done, interactions, recovered_from, latest_checkpoint, error, created_ms, ended_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT(id) DO UPDATE SET state = excluded.state, updates_done = excluded.updates_done,"
                + " interactions = excluded.interactions, recovered_from = excluded.recovered_from,"
                + " latest_checkpoint = excluded.latest_checkpoint, error = excluded.error,"
                + " ended_ms = excluded.ended_ms")) {
            p.setString(1, r.id());
            p.setString(2, r.owner());
            p.setBytes(3, r.spec().toByteArray());
            p.setInt(4, r.state().getNumber());
            p.setLong(5, r.firstUpdate());
            p.setLong(6, r.updatesDone());
            p.setLong(7, r.interactions());
            if (r.recoveredFrom() < 0) {
                p.setNull(8, java.sql.Types.INTEGER);
            } else {
                p.setLong(8, r.recoveredFrom());
            }
            p.setString(9, r.latestCheckpoint());
            p.setString(10, r.error());
            p.setLong(11, r.createdMillis());
            if (r.endedMillis() < 0) {
                p.setNull(12, java.sql.Types.INTEGER);
            } else {
                p.setLong(12, r.endedMillis());
            }
            p.executeUpdate();
        }
    }

    /**
     * Appends metrics rows (consecutive updates of one run, a row already stored for (run, index) replaced), then
     * deletes the older rows that {@link MetricsThinning} no longer keeps for a run whose first update is
     * {@code first}, at most {@code cap + 1} rows per run.
     */
    void appendMetrics(String runId, List<UpdateMetrics> rows, long first, int cap) throws SQLException {
        insertMetrics(runId, rows);
        if (rows.isEmpty()) {
            return;
        }
        long oldest = rows.get(0).getUpdate();
        long newest = rows.get(rows.size() - 1).getUpdate();
        long stride = MetricsThinning.stride(newest - first + 1, cap);
        if (stride == 1) {
            return;
        }
        boolean doubled = stride != MetricsThinning.stride(Math.max(1, oldest - first), cap);
        try (PreparedStatement p = writer.prepareStatement("DELETE FROM metrics WHERE run_id = ? AND idx >= ?"
                + " AND idx < ? AND (idx - ?) % ? != 0")) {
            p.setString(1, runId);
            p.setLong(2, doubled ? first : oldest - 1);
            p.setLong(3, newest);
            p.setLong(4, first);
            p.setLong(5, stride);
            p.executeUpdate();
        }
    }

    /** Appends metrics rows; a row already stored for (run, index) is replaced. */
    private void insertMetrics(String runId, List<UpdateMetrics> rows) throws SQLException {
        try (PreparedStatement p = writer.prepareStatement(
                "INSERT OR REPLACE INTO metrics (run_id, idx, data) VALUES (?, ?, ?)")) {
            for (UpdateMetrics m : rows) {
                p.setString(1, runId);
                p.setLong(2, m.getUpdate());
                p.setBytes(3, m.toByteArray());
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    /** Deletes the run's metrics from update {@code from} on (a recovered run recomputes them). */
    void truncateMetrics(String runId, long from) throws SQLException {
        try (PreparedStatement p = writer.prepareStatement("DELETE FROM metrics WHERE run_id = ? AND idx >= ?")) {
            p.setString(1, runId);
            p.setLong(2, from);
            p.executeUpdate();
        }
    }

    /** Deletes a run and its metrics (eviction). */
    void delete(String runId) throws SQLException {
        try (PreparedStatement m = writer.prepareStatement("DELETE FROM metrics WHERE run_id = ?");
             PreparedStatement r = writer.prepareStatement("DELETE FROM runs WHERE id = ?")) {
            m.setString(1, runId);
            m.executeUpdate();
            r.setString(1, runId);
            r.executeUpdate();
        }
    }

    void commit() throws SQLException {
        writer.commit();
    }

    void rollback() {
        try {
            writer.rollback();
        } catch (SQLException e) {
            // Nothing more to undo.
        }
    }

    // ---- reads: any thread ----

    /** Every stored run, in creation order, with {@link RunRecord#updatesDone()} taken from its stored metrics. */
    List<RunRecord> loadAll() {
        synchronized (reader) {
            List<RunRecord> out = new ArrayList<>();
            try (Statement s = reader.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, owner, spec, state, first_update, updates_done, interactions,"
                         + " recovered_from, latest_checkpoint, error, created_ms, ended_ms,"
                         + " (SELECT MAX(idx) FROM metrics WHERE metrics.run_id = runs.id)"
                         + " FROM runs ORDER BY seq")) {
                while (rs.next()) {
                    long recovered = rs.getLong(8);
                    if (rs.wasNull()) {
                        recovered = -1;
                    }
                    long ended = rs.getLong(12);
                    if (rs.wasNull()) {
                        ended = -1;
                    }
                    long first = rs.getLong(5);
                    long maxIdx = rs.getLong(13);
                    long metricsEnd = rs.wasNull() ? first : maxIdx + 1;
                    out.add(new RunRecord(rs.getString(1), rs.getString(2), RunSpec.parseFrom(rs.getBytes(3)),
                            RunState.forNumber(rs.getInt(4)), first, metricsEnd, rs.getLong(7), recovered,
                            rs.getString(9), rs.getString(10), rs.getLong(11), ended));
                }
            } catch (SQLException | InvalidProtocolBufferException e) {
                throw new IllegalStateException("cannot read the run store: " + e.getMessage(), e);
            }
            return out;
        }
    }

    /**
     * Up to {@code limit} stored metrics of the run with update indices in [{@code from}, {@code to}), in order; an
     * older run's rows are thinned ({@link MetricsThinning}), so indices may skip.
     */
    List<UpdateMetrics> readMetrics(String runId, long from, long to, int limit) {
        synchronized (reader) {
            List<UpdateMetrics> out = new ArrayList<>();
            try (PreparedStatement p = reader.prepareStatement(
                    "SELECT data FROM metrics WHERE run_id = ? AND idx >= ? AND idx < ? ORDER BY idx LIMIT ?")) {
                p.setString(1, runId);
                p.setLong(2, from);
                p.setLong(3, to);
                p.setInt(4, limit);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(StoredMetrics.parse(rs.getBytes(1)));
                    }
                }
            } catch (SQLException | InvalidProtocolBufferException e) {
                throw new IllegalStateException("cannot read metrics of run " + runId + ": " + e.getMessage(), e);
            }
            return out;
        }
    }

    /** The run's stored metrics: {rows, bytes of their encoded data}. */
    long[] metricsUse(String runId) {
        synchronized (reader) {
            try (PreparedStatement p = reader.prepareStatement(
                    "SELECT count(*), coalesce(sum(length(data)), 0) FROM metrics WHERE run_id = ?")) {
                p.setString(1, runId);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return new long[] {rs.getLong(1), rs.getLong(2)};
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read metrics of run " + runId + ": " + e.getMessage(), e);
            }
        }
    }

    /** The data directory the store lives in. */
    Path directory() {
        return dataDir;
    }

    @Override
    public void close() {
        synchronized (reader) {
            try {
                reader.close();
            } catch (SQLException e) {
                // Closing at exit; nothing to save.
            }
        }
        try {
            writer.close();
        } catch (SQLException e) {
            // As above.
        }
    }
}

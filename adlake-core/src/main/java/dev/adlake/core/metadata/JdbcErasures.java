package dev.adlake.core.metadata;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The record of each erasure of a user's data, in {@code adlake.erasures}: who asked, when, the ids
 * erased, the rows removed per table and the proof (rows of the ids found per table in every
 * retained snapshot, which must be zero).
 */
public final class JdbcErasures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DataSource dataSource;

  /** One erasure as recorded. */
  public record Erasure(
      long id,
      Optional<Long> runId,
      String subject,
      String requestedBy,
      Instant requestedAt,
      Optional<Instant> finishedAt,
      String status,
      List<String> ids,
      Map<String, Long> rowsRemoved,
      Map<String, String> proof,
      Optional<String> error) {}

  public JdbcErasures(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
  }

  /**
   * Records an erasure as begun; returns its id. An earlier erasure of the same subject still
   * recorded as running was interrupted (its process died): it is marked failed, and this one
   * finishes its work.
   */
  public long begin(long runId, String subject, String requestedBy, List<String> ids) {
    Jdbc.update(
        dataSource,
        "close the interrupted erasures of " + subject,
        "UPDATE adlake.erasures SET status = 'failed', finished_at = now(), error ="
            + " 'interrupted; finished by a later erasure of the same subject'"
            + " WHERE subject = ? AND status = 'running'",
        statement -> statement.setString(1, subject));
    return Jdbc.query(
            dataSource,
            "record the erasure of " + subject,
            "INSERT INTO adlake.erasures (run_id, subject, requested_by, status, ids)"
                + " VALUES (?, ?, ?, 'running', ?::jsonb) RETURNING erasure_id",
            statement -> {
              statement.setObject(1, runId, Types.BIGINT);
              statement.setString(2, subject);
              statement.setString(3, requestedBy);
              statement.setString(4, json(ids));
            },
            rows -> rows.getLong(1))
        .get(0);
  }

  /** Records the erasure as done, with the rows removed per table and its proof. */
  public void erased(long id, Map<String, Long> rowsRemoved, Map<String, String> proof) {
    Jdbc.update(
        dataSource,
        "record the end of erasure " + id,
        "UPDATE adlake.erasures SET status = 'erased', finished_at = now(), rows_removed ="
            + " ?::jsonb, proof = ?::jsonb WHERE erasure_id = ?",
        statement -> {
          statement.setString(1, json(rowsRemoved));
          statement.setString(2, json(proof));
          statement.setLong(3, id);
        });
  }

  public void failed(long id, String error) {
    Jdbc.update(
        dataSource,
        "record the failure of erasure " + id,
        "UPDATE adlake.erasures SET status = 'failed', finished_at = now(), error = ?"
            + " WHERE erasure_id = ?",
        statement -> {
          statement.setString(1, error);
          statement.setLong(2, id);
        });
  }

  /** The most recent erasures first. */
  public List<Erasure> recent(int limit) {
    return Jdbc.query(
        dataSource,
        "read the erasures",
        "SELECT erasure_id, run_id, subject, requested_by, requested_at, finished_at, status,"
            + " ids::text, rows_removed::text, proof::text, error FROM adlake.erasures"
            + " ORDER BY erasure_id DESC LIMIT ?",
        statement -> statement.setInt(1, limit),
        rows -> {
          long run = rows.getLong(2);
          Optional<Long> runId = rows.wasNull() ? Optional.empty() : Optional.of(run);
          return new Erasure(
              rows.getLong(1),
              runId,
              rows.getString(3),
              rows.getString(4),
              rows.getTimestamp(5).toInstant(),
              Optional.ofNullable(rows.getTimestamp(6)).map(java.sql.Timestamp::toInstant),
              rows.getString(7),
              read(rows.getString(8), new TypeReference<List<String>>() {}, List.of()),
              read(rows.getString(9), new TypeReference<Map<String, Long>>() {}, Map.of()),
              read(rows.getString(10), new TypeReference<Map<String, String>>() {}, Map.of()),
              Optional.ofNullable(rows.getString(11)));
        });
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T read(String json, TypeReference<T> type, T empty) {
    if (json == null) {
      return empty;
    }
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Corrupt JSON in adlake.erasures: " + json, e);
    }
  }
}

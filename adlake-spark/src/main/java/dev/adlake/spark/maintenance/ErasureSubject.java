package dev.adlake.spark.maintenance;

import dev.adlake.core.InvalidInputException;
import dev.adlake.core.table.TableCatalog;
import dev.adlake.core.table.TableDefinition;
import dev.adlake.core.table.TableStore;
import dev.adlake.core.table.UserColumn;
import dev.adlake.spark.common.Pseudonymizer;
import dev.adlake.spark.cookiemapping.IdentityTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Every id of the user an erasure is asked for: the id given (our cookie id, a partner's id or a
 * canonical user id), its pseudonym, every id of the same canonical user in the identity graph
 * (with their node ids), and the ids the mapping tables pair with any of those (a partner's file
 * pairs a partner id with our cookie id as sent, which the graph knows only pseudonymised), with
 * their pseudonyms, until no new id turns up.
 *
 * @param ids the ids as they appear in tables: as sent and pseudonymised
 * @param nodes the user's node ids in the identity graph
 */
record ErasureSubject(String asked, Set<String> ids, Set<Long> nodes, Set<Long> canonicalIds) {
  private static final int MAX_ROUNDS = 5;

  ErasureSubject {
    ids = Set.copyOf(new TreeSet<>(ids));
    nodes = Set.copyOf(new TreeSet<>(nodes));
    canonicalIds = Set.copyOf(new TreeSet<>(canonicalIds));
  }

  static ErasureSubject expand(
      SparkSession spark,
      String asked,
      TableCatalog catalog,
      IdentityTables identity,
      Optional<Pseudonymizer> pseudonyms) {
    String id = asked.trim();
    if (id.isEmpty() || id.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException(
          "Cannot erase user '%s': give an id without control characters".formatted(asked));
    }
    Set<String> ids = new TreeSet<>();
    Set<Long> nodes = new TreeSet<>();
    Set<Long> canonical = new TreeSet<>();
    add(ids, id, pseudonyms);
    boolean graph = spark.catalog().tableExists(identity.userIds());
    if (graph && id.matches("\\d{1,18}")) {
      canonical.add(Long.parseLong(id));
    }
    List<TableDefinition> mappingTables =
        catalog.of(TableStore.LAKE).stream()
            .filter(table -> !table.family())
            .filter(table -> idColumns(table).size() >= 2)
            .filter(table -> spark.catalog().tableExists(table.name()))
            .toList();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      int before = ids.size() + canonical.size();
      if (graph) {
        String userIds = identity.userIds();
        for (Row row :
            spark
                .sql(
                    "SELECT DISTINCT canonical_id FROM %s WHERE id IN (%s)%s"
                        .formatted(
                            userIds,
                            literals(ids),
                            canonical.isEmpty()
                                ? ""
                                : " OR canonical_id IN (" + numbers(canonical) + ")"))
                .collectAsList()) {
          canonical.add(row.getLong(0));
        }
        if (!canonical.isEmpty()) {
          for (Row row :
              spark
                  .sql(
                      "SELECT node_id, id FROM %s WHERE canonical_id IN (%s)"
                          .formatted(userIds, numbers(canonical)))
                  .collectAsList()) {
            nodes.add(row.getLong(0));
            add(ids, row.getString(1), pseudonyms);
          }
        }
      }
      for (TableDefinition table : mappingTables) {
        List<String> columns = idColumns(table);
        String any =
            columns.stream()
                .map(column -> "`%s` IN (%s)".formatted(column, literals(ids)))
                .collect(Collectors.joining(" OR "));
        String select =
            columns.stream().map(column -> "`" + column + "`").collect(Collectors.joining(", "));
        for (Row row :
            spark
                .sql("SELECT DISTINCT %s FROM %s WHERE %s".formatted(select, table.name(), any))
                .collectAsList()) {
          for (int i = 0; i < columns.size(); i++) {
            if (!row.isNullAt(i)) {
              add(ids, row.get(i).toString(), pseudonyms);
            }
          }
        }
      }
      if (ids.size() + canonical.size() == before) {
        break;
      }
    }
    return new ErasureSubject(id, ids, nodes, canonical);
  }

  /** The id and, when ids are pseudonymised, its pseudonym. */
  private static void add(Set<String> ids, String id, Optional<Pseudonymizer> pseudonyms) {
    ids.add(id);
    pseudonyms.ifPresent(p -> ids.add(p.pseudonymize(id)));
  }

  static List<String> idColumns(TableDefinition table) {
    List<String> columns = new ArrayList<>();
    for (UserColumn column : table.userColumns()) {
      if (column.match() == UserColumn.Match.ID) {
        columns.add(column.name());
      }
    }
    return columns;
  }

  /** The ids as Spark SQL string literals, separated by commas. */
  static String literals(Set<String> ids) {
    return ids.stream().map(ErasureSubject::literal).collect(Collectors.joining(", "));
  }

  static String literal(String id) {
    return "'" + id.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  static String numbers(Set<Long> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }
}

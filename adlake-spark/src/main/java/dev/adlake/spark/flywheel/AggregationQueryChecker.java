package dev.adlake.spark.flywheel;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.AdlakeException;
import dev.adlake.core.ErrorCategory;
import dev.adlake.core.InvalidInputException;
import dev.adlake.core.config.LakeConfig;
import dev.adlake.spark.flywheel.report.Collaboration;
import dev.adlake.spark.flywheel.report.Collaboration.AnalysisRule;
import dev.adlake.spark.flywheel.report.Collaboration.ConfiguredTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.AliasIdentifier;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAlias;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedHaving;
import org.apache.spark.sql.catalyst.analysis.UnresolvedOrdinal;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedStar;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.EqualNullSafe;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Like;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.NullsFirst$;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.Inner$;
import org.apache.spark.sql.catalyst.plans.UsingJoin;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.AggregateHint;
import org.apache.spark.sql.catalyst.plans.logical.Distinct;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Offset;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Checks a clean-room query against the aggregation analysis rules of the configured tables it
 * names, as AWS Clean Rooms does, and rewrites it to run on the catalog tables. It walks the plan
 * Spark's parser makes of the query, before analysis, and accepts only what it understands:
 *
 * <pre>
 * SELECT dimension columns and aggregates FROM configured tables [JOIN ... ON join columns]
 *   [WHERE conditions on dimension columns] [GROUP BY dimension columns]
 *   [ORDER BY output columns] [LIMIT n]
 * </pre>
 *
 * <p>An output column is either a dimension column that the query groups by, or an aggregate
 * ({@code COUNT}, {@code COUNT(DISTINCT)}, {@code SUM}, {@code SUM(DISTINCT)}, {@code AVG}) of one
 * column the rule allows for it. Anything else is refused with a {@link RefusedQueryException}
 * naming the table, the column or the clause, and the rule.
 *
 * <p>The rewrite names the catalog tables instead of the configured ones (keeping the configured
 * name as the alias, so qualified columns still resolve) and adds, for each use of a table with an
 * aggregation threshold, the count of distinct users of each group.
 */
final class AggregationQueryChecker {
  static final String USER_COUNT_PREFIX = "__adlake_users_";

  private static final Set<String> AGGREGATES =
      Set.of("COUNT", "COUNT_DISTINCT", "SUM", "SUM_DISTINCT", "AVG");

  /** What a WHERE condition may be made of, besides columns, constants and BETWEEN. */
  private static final Set<Class<?>> CONDITIONS =
      Set.of(
          And.class,
          Or.class,
          Not.class,
          EqualTo.class,
          EqualNullSafe.class,
          LessThan.class,
          LessThanOrEqual.class,
          GreaterThan.class,
          GreaterThanOrEqual.class,
          In.class,
          IsNull.class,
          IsNotNull.class,
          Like.class);

  private static final String SHAPE =
      "SELECT <dimension columns and aggregates> FROM <configured tables> [JOIN ... ON <join"
          + " columns>] [WHERE <dimension columns>] [GROUP BY <dimension columns>] [ORDER BY"
          + " <output columns>] [LIMIT n]";

  private final ParserInterface parser;
  private final Collaboration collaboration;
  private final String namespace;
  private final Function<String, List<String>> columns;

  /**
   * @param parser Spark's SQL parser
   * @param collaboration the collaboration whose configured tables queries name
   * @param namespace the lake namespace of the catalog tables
   * @param columns the column names of a catalog table, by its full name ({@code
   *     lake.cleanroom.bucketed_ibe_01})
   */
  AggregationQueryChecker(
      ParserInterface parser,
      Collaboration collaboration,
      String namespace,
      Function<String, List<String>> columns) {
    this.parser = requireNonNull(parser, "parser is null");
    this.collaboration = requireNonNull(collaboration, "collaboration is null");
    this.namespace = requireNonNull(namespace, "namespace is null");
    this.columns = requireNonNull(columns, "columns is null");
  }

  /** One use of a configured table in the query's FROM, by the name the query refers to it. */
  private record TableUse(
      String reference, ConfiguredTable table, AnalysisRule rule, List<String> columns) {
    String describe() {
      return reference.equalsIgnoreCase(table.name())
          ? table.name()
          : "%s (%s)".formatted(table.name(), reference);
    }
  }

  /** A column of one table use. */
  private record ColumnUse(TableUse table, String column) {}

  /** The tables of the query's FROM, by lower-case reference, and its join conditions. */
  private record From(Map<String, TableUse> tables, List<Expression> joinConditions) {}

  /**
   * Checks {@code sql} and plans it; throws {@link RefusedQueryException} when a rule forbids it.
   */
  AggregationQuery check(String sql) {
    requireNonNull(sql, "sql is null");
    LogicalPlan node = parse(sql);
    OptionalInt limit = OptionalInt.empty();
    if (node instanceof GlobalLimit global && global.child() instanceof LocalLimit local) {
      limit = OptionalInt.of(limitOf(global.limitExpr()));
      node = local.child();
    }
    List<SortOrder> order = List.of();
    if (node instanceof Sort sort && sort.global()) {
      order = CollectionConverters.asJava(sort.order());
      node = sort.child();
    }
    List<Expression> groupings;
    List<NamedExpression> outputs;
    LogicalPlan source;
    Option<AggregateHint> hint;
    if (node instanceof Aggregate aggregate) {
      groupings = CollectionConverters.asJava(aggregate.groupingExpressions());
      outputs = CollectionConverters.asJava(aggregate.aggregateExpressions());
      source = aggregate.child();
      hint = aggregate.hint();
    } else if (node instanceof Project project) {
      // No GROUP BY: a single group, once every output is an aggregate.
      groupings = List.of();
      outputs = CollectionConverters.asJava(project.projectList());
      source = project.child();
      hint = Option.empty();
    } else {
      throw unsupported(node);
    }

    LogicalPlan relations = source;
    if (source instanceof Filter filter) {
      relations = filter.child();
    }
    From from = new From(new LinkedHashMap<>(), new ArrayList<>());
    collectTables(relations, from);
    for (Expression condition : from.joinConditions()) {
      checkJoin(condition, from);
    }
    if (source instanceof Filter filter) {
      checkWhere(filter.condition(), from);
    }
    Set<ColumnUse> grouped = new HashSet<>();
    for (Expression grouping : groupings) {
      if (!(grouping instanceof UnresolvedAttribute attribute)) {
        throw refused(
            "GROUP BY may only name dimension columns; found %s".formatted(text(grouping)));
      }
      ColumnUse column = resolve(attribute, from);
      requireDimension(column, "grouped by");
      grouped.add(column);
    }
    for (NamedExpression output : outputs) {
      checkOutput(output, grouped, from);
    }
    List<AggregationQuery.Ordering> ordering = new ArrayList<>();
    for (SortOrder key : order) {
      ordering.add(
          new AggregationQuery.Ordering(
              orderedColumn(key.child(), outputs, from),
              key.isAscending(),
              key.nullOrdering() instanceof NullsFirst$));
    }

    List<NamedExpression> withUsers = new ArrayList<>(outputs);
    List<AggregationQuery.Threshold> thresholds = new ArrayList<>();
    for (TableUse use : from.tables().values()) {
      if (use.rule().minimumUsers() <= 0) {
        continue;
      }
      String user = lower(use.rule().userColumn());
      if (!use.columns().contains(user)) {
        throw new InvalidInputException(
            "The aggregation rule of %s counts users by column %s, which catalog table %s does not have"
                .formatted(use.table().name(), user, use.table().catalogTable()));
      }
      String name = USER_COUNT_PREFIX + thresholds.size();
      withUsers.add(
          userCount(
              "count(DISTINCT %s.%s) AS %s"
                  .formatted(quote(use.reference()), quote(user), quote(name))));
      thresholds.add(
          new AggregationQuery.Threshold(
              use.table().name(), use.reference(), user, use.rule().minimumUsers()));
    }
    LogicalPlan groups =
        new Aggregate(
            CollectionConverters.asScala(groupings).toSeq(),
            CollectionConverters.asScala(withUsers).toSeq(),
            onCatalogTables(source),
            hint);
    return new AggregationQuery(groups, outputs.size(), thresholds, ordering, limit);
  }

  private LogicalPlan parse(String sql) {
    try {
      return parser.parsePlan(sql);
    } catch (Exception e) {
      // ParseException is checked in Java's eyes, and Scala does not declare it.
      throw new InvalidInputException("Cannot parse query: %s".formatted(e.getMessage()), e);
    }
  }

  private NamedExpression userCount(String sql) {
    try {
      return (NamedExpression) parser.parseExpression(sql);
    } catch (Exception e) {
      throw new AdlakeException(
          ErrorCategory.INTERNAL_ERROR,
          "Cannot parse the runner's own user count %s: %s".formatted(sql, e.getMessage()),
          e);
    }
  }

  private static int limitOf(Expression limit) {
    if (limit instanceof Literal literal && literal.value() instanceof Integer rows && rows >= 0) {
      return rows;
    }
    throw refused("LIMIT must be a whole number; found %s".formatted(text(limit)));
  }

  /** Adds the tables of a FROM clause, checking each is configured, associated and aggregated. */
  private void collectTables(LogicalPlan node, From from) {
    if (node instanceof Join join) {
      if (join.joinType() instanceof UsingJoin) {
        throw refused(
            "JOIN ... USING is not supported; join with ON <join column> = <join column>");
      }
      if (!(join.joinType() instanceof Inner$)) {
        throw refused(
            "only inner joins are supported; found a %s join".formatted(join.joinType().sql()));
      }
      if (join.condition().isEmpty()) {
        throw refused(
            "a join needs ON <join column> = <join column>; a join without a condition pairs every"
                + " row of one table with every row of the other");
      }
      collectTables(join.left(), from);
      collectTables(join.right(), from);
      from.joinConditions().add(join.condition().get());
    } else if (node instanceof SubqueryAlias alias
        && alias.child() instanceof UnresolvedRelation relation) {
      addTable(alias.alias(), relation, from);
    } else if (node instanceof UnresolvedRelation relation) {
      addTable(null, relation, from);
    } else {
      throw refused(
          "FROM may only name the collaboration's configured tables, joined on their join columns;"
              + " found %s".formatted(clause(node)));
    }
  }

  private void addTable(String alias, UnresolvedRelation relation, From from) {
    ConfiguredTable table = configured(relation);
    String reference = alias != null ? alias : table.name();
    if (from.tables().containsKey(lower(reference))) {
      throw refused(
          "table %s appears twice in FROM; give each use its own alias".formatted(reference));
    }
    List<String> names =
        columns.apply(catalogName(table)).stream().map(AggregationQueryChecker::lower).toList();
    from.tables()
        .put(lower(reference), new TableUse(reference, table, table.aggregation().get(), names));
  }

  /** The configured table a relation names, if the query may use it. */
  private ConfiguredTable configured(UnresolvedRelation relation) {
    List<String> parts = CollectionConverters.asJava(relation.multipartIdentifier());
    String name = String.join(".", parts);
    ConfiguredTable table =
        parts.size() != 1
            ? null
            : collaboration.tables().stream()
                .filter(candidate -> candidate.name().equalsIgnoreCase(parts.get(0)))
                .findFirst()
                .orElse(null);
    if (table == null) {
      throw refused(
          "table %s is not a configured table of collaboration %s (configured tables: %s)"
              .formatted(
                  name,
                  collaboration.membershipId(),
                  collaboration.tables().stream()
                      .map(ConfiguredTable::name)
                      .collect(Collectors.joining(", "))));
    }
    if (!table.status().equals(ConfiguredTable.ACTIVE)) {
      throw refused(
          "configured table %s is %s, not %s"
              .formatted(table.name(), table.status(), ConfiguredTable.ACTIVE));
    }
    if (!table.associationStatus().equals(ConfiguredTable.ASSOCIATED)) {
      throw refused(
          "configured table %s is %s: only tables associated with membership %s can be queried"
              .formatted(table.name(), table.associationStatus(), collaboration.membershipId()));
    }
    if (table.aggregation().isEmpty()) {
      throw refused(
          "configured table %s has no %s analysis rule (its rules: %s); this runner runs"
                  .formatted(
                      table.name(),
                      AnalysisRule.AGGREGATION,
                      table.analysisRules().isEmpty()
                          ? "none"
                          : table.analysisRules().stream()
                              .map(AnalysisRule::type)
                              .collect(Collectors.joining(", ")))
              + " aggregation queries only");
    }
    return table;
  }

  private String catalogName(ConfiguredTable table) {
    return String.join(".", LakeConfig.CATALOG_NAME, namespace, table.catalogTable());
  }

  /** ON conditions: equalities of join columns of two different tables, joined by AND. */
  private void checkJoin(Expression condition, From from) {
    if (condition instanceof And and) {
      checkJoin(and.left(), from);
      checkJoin(and.right(), from);
      return;
    }
    if (!(condition instanceof EqualTo equal
        && equal.left() instanceof UnresolvedAttribute left
        && equal.right() instanceof UnresolvedAttribute right)) {
      throw refused(
          "a join condition may only equate join columns of two tables (a.column = b.column, joined"
              + " by AND); found %s".formatted(text(condition)));
    }
    ColumnUse one = resolve(left, from);
    ColumnUse other = resolve(right, from);
    if (one.table().equals(other.table())) {
      throw refused(
          "join condition %s compares two columns of %s"
              .formatted(text(condition), one.table().describe()));
    }
    for (ColumnUse column : List.of(one, other)) {
      List<String> joinColumns = column.table().rule().joinColumns();
      if (!containsIgnoringCase(joinColumns, column.column())) {
        throw refused(
            "column %s of %s is not a join column of the aggregation rule of %s (join columns: %s)"
                .formatted(
                    column.column(),
                    column.table().describe(),
                    column.table().table().name(),
                    list(joinColumns)));
      }
    }
  }

  /** WHERE conditions: dimension columns compared with constants or each other. */
  private void checkWhere(Expression condition, From from) {
    if (condition instanceof UnresolvedAttribute attribute) {
      requireDimension(resolve(attribute, from), "used in WHERE");
    } else if (condition instanceof Literal) {
      return;
    } else if (CONDITIONS.contains(condition.getClass()) || isBetween(condition)) {
      for (Expression child : CollectionConverters.asJava(condition.children())) {
        checkWhere(child, from);
      }
    } else {
      throw refused(
          "WHERE may only compare dimension columns with constants (=, <>, <, <=, >, >=, IN, LIKE,"
              + " BETWEEN, IS NULL, AND, OR, NOT); found %s".formatted(text(condition)));
    }
  }

  private static boolean isBetween(Expression condition) {
    return condition instanceof UnresolvedFunction function
        && function.nameParts().size() == 1
        && function.nameParts().head().equalsIgnoreCase("between")
        && !function.isDistinct()
        && function.filter().isEmpty();
  }

  private void checkOutput(NamedExpression output, Set<ColumnUse> grouped, From from) {
    Expression value = unaliased(output);
    if (value instanceof UnresolvedStar) {
      throw refused(
          "SELECT %s is not allowed by the aggregation rules: select dimension columns and"
                  .formatted(text(value))
              + " allowed aggregates by name");
    }
    if (value instanceof UnresolvedAttribute attribute) {
      ColumnUse column = resolve(attribute, from);
      requireDimension(column, "selected outside an aggregate");
      if (!grouped.contains(column)) {
        throw refused(
            "column %s of %s is selected but not in GROUP BY: a dimension column is shown per group"
                .formatted(column.column(), column.table().describe()));
      }
    } else if (value instanceof UnresolvedFunction function) {
      checkAggregate(function, from);
    } else {
      throw refused(
          "output %s is neither a dimension column nor an allowed aggregate of one column"
              .formatted(text(value)));
    }
  }

  private void checkAggregate(UnresolvedFunction function, From from) {
    String kind = aggregateKind(function);
    if (kind == null) {
      throw refused(
          "%s is not an aggregate the aggregation rules allow".formatted(text(function))
              + " (COUNT, COUNT(DISTINCT), SUM, SUM(DISTINCT), AVG of one column, without FILTER)");
    }
    List<Expression> arguments = CollectionConverters.asJava(function.arguments());
    if (arguments.size() != 1 || !(arguments.get(0) instanceof UnresolvedAttribute attribute)) {
      throw refused(
          "%s: an aggregate may only take one column the aggregation rule allows for it"
              .formatted(text(function)));
    }
    ColumnUse column = resolve(attribute, from);
    AnalysisRule rule = column.table().rule();
    List<String> allowed = rule.aggregateColumns().getOrDefault(kind, List.of());
    if (!containsIgnoringCase(allowed, column.column())) {
      throw refused(
          "%s: the aggregation rule of %s does not allow %s of column %s (%s)"
              .formatted(
                  text(function),
                  column.table().table().name(),
                  kind,
                  column.column(),
                  allowed.isEmpty()
                      ? "it allows %s of no column".formatted(kind)
                      : "%s is allowed of %s".formatted(kind, list(allowed))));
    }
  }

  /** The rule's name of an aggregate ({@code COUNT_DISTINCT}, ...), or null for any other call. */
  private static String aggregateKind(UnresolvedFunction function) {
    if (function.nameParts().size() != 1
        || function.filter().isDefined()
        || function.ignoreNulls()
        || !function.orderingWithinGroup().isEmpty()) {
      return null;
    }
    String name = function.nameParts().head().toUpperCase(Locale.ROOT);
    String kind = function.isDistinct() ? name + "_DISTINCT" : name;
    return AGGREGATES.contains(kind) ? kind : null;
  }

  /** The output column an ORDER BY key names: by position, name, alias or the same expression. */
  private int orderedColumn(Expression key, List<NamedExpression> outputs, From from) {
    if (key instanceof UnresolvedOrdinal ordinal) {
      if (ordinal.ordinal() < 1 || ordinal.ordinal() > outputs.size()) {
        throw refused(
            "ORDER BY %d: there are %d output columns"
                .formatted(ordinal.ordinal(), outputs.size()));
      }
      return ordinal.ordinal() - 1;
    }
    List<Integer> matches = new ArrayList<>();
    if (key instanceof UnresolvedAttribute attribute && attribute.nameParts().size() == 1) {
      for (int i = 0; i < outputs.size(); i++) {
        if (outputName(outputs.get(i)).equalsIgnoreCase(attribute.nameParts().head())) {
          matches.add(i);
        }
      }
    }
    if (matches.isEmpty()) {
      for (int i = 0; i < outputs.size(); i++) {
        if (sameOutput(key, unaliased(outputs.get(i)), from)) {
          matches.add(i);
        }
      }
    }
    if (matches.size() != 1) {
      throw refused(
          "ORDER BY %s must name one output column (by its name, alias or position)%s"
              .formatted(text(key), matches.isEmpty() ? "" : "; it names several"));
    }
    return matches.get(0);
  }

  private boolean sameOutput(Expression key, Expression output, From from) {
    if (key instanceof UnresolvedAttribute attribute
        && output instanceof UnresolvedAttribute selected) {
      return resolve(attribute, from).equals(resolve(selected, from));
    }
    return key.equals(output);
  }

  /** The name Spark gives an output column, or "" when Spark makes one up. */
  private static String outputName(NamedExpression output) {
    if (output instanceof Alias alias) {
      return alias.name();
    }
    if (output instanceof UnresolvedAttribute attribute) {
      return attribute.nameParts().last();
    }
    return "";
  }

  private static Expression unaliased(NamedExpression output) {
    if (output instanceof Alias alias) {
      return alias.child();
    }
    if (output instanceof UnresolvedAlias alias) {
      return alias.child();
    }
    // Scala's NamedExpression trait extends Expression, which Java cannot see.
    return (Expression) output;
  }

  /** The table use and column an attribute names, {@code column} or {@code table.column}. */
  private static ColumnUse resolve(UnresolvedAttribute attribute, From from) {
    List<String> parts = CollectionConverters.asJava(attribute.nameParts());
    if (parts.size() == 2) {
      TableUse table = from.tables().get(lower(parts.get(0)));
      if (table == null) {
        throw refused(
            "column %s: there is no table %s in FROM (tables: %s)"
                .formatted(attribute.name(), parts.get(0), references(from)));
      }
      String column = lower(parts.get(1));
      if (!table.columns().contains(column)) {
        throw refused("column %s is not a column of %s".formatted(column, table.describe()));
      }
      return new ColumnUse(table, column);
    }
    if (parts.size() != 1) {
      throw refused(
          "column %s: name a column as column or table.column".formatted(attribute.name()));
    }
    String column = lower(parts.get(0));
    List<TableUse> having =
        from.tables().values().stream().filter(table -> table.columns().contains(column)).toList();
    if (having.isEmpty()) {
      throw refused(
          "column %s is in none of the tables in FROM (%s)".formatted(column, references(from)));
    }
    if (having.size() > 1) {
      throw refused(
          "column %s is ambiguous: %s all have it; qualify it with its table"
              .formatted(
                  column,
                  having.stream().map(TableUse::describe).collect(Collectors.joining(", "))));
    }
    return new ColumnUse(having.get(0), column);
  }

  private static void requireDimension(ColumnUse column, String use) {
    List<String> dimensions = column.table().rule().dimensionColumns();
    if (!containsIgnoringCase(dimensions, column.column())) {
      throw refused(
          "column %s of %s is not a dimension column of the aggregation rule of %s, so it cannot"
                  .formatted(
                      column.column(), column.table().describe(), column.table().table().name())
              + " be %s (dimension columns: %s)".formatted(use, list(dimensions)));
    }
  }

  /** The FROM tree with each configured table replaced by its catalog table, under its name. */
  private LogicalPlan onCatalogTables(LogicalPlan node) {
    if (node instanceof UnresolvedRelation relation) {
      ConfiguredTable table = configured(relation);
      UnresolvedRelation catalogTable =
          new UnresolvedRelation(
              CollectionConverters.asScala(
                      List.of(LakeConfig.CATALOG_NAME, namespace, table.catalogTable()))
                  .toSeq(),
              relation.options(),
              relation.isStreaming());
      return new SubqueryAlias(new AliasIdentifier(table.name()), catalogTable);
    }
    List<LogicalPlan> children = new ArrayList<>();
    for (LogicalPlan child : CollectionConverters.asJava(node.children())) {
      children.add(onCatalogTables(child));
    }
    return node.withNewChildren(CollectionConverters.asScala(children).toSeq());
  }

  private static RefusedQueryException unsupported(LogicalPlan node) {
    return refused("the runner checks only %s; found %s".formatted(SHAPE, clause(node)));
  }

  /** The SQL clause a plan node stands for, for messages. */
  private static String clause(LogicalPlan node) {
    if (node instanceof UnresolvedHaving) {
      return "HAVING";
    }
    if (node instanceof UnresolvedWith) {
      return "WITH";
    }
    if (node instanceof Distinct) {
      return "SELECT DISTINCT or UNION";
    }
    if (node instanceof Offset) {
      return "OFFSET";
    }
    if (node instanceof Sort) {
      return "SORT BY";
    }
    if (node instanceof SubqueryAlias || node instanceof Project || node instanceof Aggregate) {
      return "a subquery";
    }
    return node.nodeName();
  }

  /** An expression as the query wrote it, near enough for messages. */
  private static String text(Expression expression) {
    if (expression instanceof UnresolvedAttribute attribute) {
      return attribute.name();
    }
    if (expression instanceof UnresolvedStar star) {
      return star.target().isDefined()
          ? String.join(".", CollectionConverters.asJava(star.target().get())) + ".*"
          : "*";
    }
    if (expression instanceof UnresolvedFunction function) {
      // Spark's own sql() drops DISTINCT.
      return "%s(%s%s)"
          .formatted(
              String.join(".", CollectionConverters.asJava(function.nameParts()))
                  .toUpperCase(Locale.ROOT),
              function.isDistinct() ? "DISTINCT " : "",
              CollectionConverters.asJava(function.arguments()).stream()
                  .map(AggregationQueryChecker::text)
                  .collect(Collectors.joining(", ")));
    }
    if (expression instanceof UnresolvedAlias alias) {
      return text(alias.child());
    }
    if (expression instanceof Alias alias) {
      return text(alias.child()) + " AS " + alias.name();
    }
    return expression.sql();
  }

  private static RefusedQueryException refused(String reason) {
    return new RefusedQueryException("Query refused: " + reason);
  }

  private static String references(From from) {
    return from.tables().values().stream()
        .map(TableUse::describe)
        .collect(Collectors.joining(", "));
  }

  private static boolean containsIgnoringCase(List<String> names, String name) {
    return names.stream().anyMatch(candidate -> candidate.equalsIgnoreCase(name));
  }

  private static String list(List<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  private static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}

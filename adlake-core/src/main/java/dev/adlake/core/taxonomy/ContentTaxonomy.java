package dev.adlake.core.taxonomy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The IAB Tech Lab Content Taxonomy 3.1, the categories domains are classified into, read from the
 * copy shipped in this jar ({@value #RESOURCE}, licensed under CC BY 3.0; its attribution is in the
 * README beside it). Only the first two tiers are used: a domain gets a Tier 1 and a Tier 2
 * category.
 */
public final class ContentTaxonomy {
  /** The shipped file. */
  public static final String RESOURCE = "/dev/adlake/taxonomy/content-taxonomy-3.1.tsv";

  /** The attribution to keep beside any copy of the categories. */
  public static final String ATTRIBUTION =
      "IAB Tech Lab Content Taxonomy 3.1, licensed under CC BY 3.0";

  /**
   * One category of the first two tiers.
   *
   * @param id the taxonomy's Unique ID
   * @param parent the Tier 1 category's id for a Tier 2 category, empty for a Tier 1 one
   * @param name the category's name
   * @param tier1 the name of its Tier 1 category (its own name for a Tier 1 one)
   */
  public record Category(String id, Optional<String> parent, String name, String tier1) {
    public boolean isTier1() {
      return parent.isEmpty();
    }

    /** The Tier 1 category's id: its own for a Tier 1 category. */
    public String tier1Id() {
      return parent.orElse(id);
    }
  }

  private static final ContentTaxonomy SHIPPED = load();

  private final Map<String, Category> byId;
  private final List<Category> tier1;
  private final Map<String, List<Category>> childrenOf;

  private ContentTaxonomy(List<Category> categories) {
    Map<String, Category> ids = new LinkedHashMap<>();
    Map<String, List<Category>> children = new LinkedHashMap<>();
    List<Category> tops = new ArrayList<>();
    for (Category category : categories) {
      ids.put(category.id(), category);
      if (category.isTier1()) {
        tops.add(category);
        children.putIfAbsent(category.id(), new ArrayList<>());
      }
    }
    for (Category category : categories) {
      category
          .parent()
          .ifPresent(
              parent -> children.computeIfAbsent(parent, p -> new ArrayList<>()).add(category));
    }
    this.byId = Collections.unmodifiableMap(ids);
    this.tier1 = List.copyOf(tops);
    Map<String, List<Category>> frozen = new LinkedHashMap<>();
    children.forEach((parent, list) -> frozen.put(parent, List.copyOf(list)));
    this.childrenOf = Collections.unmodifiableMap(frozen);
  }

  /** The shipped Content Taxonomy 3.1. */
  public static ContentTaxonomy shipped() {
    return SHIPPED;
  }

  /** The Tier 1 categories, in the file's order. */
  public List<Category> tier1() {
    return tier1;
  }

  /** The Tier 2 categories under a Tier 1 category, in the file's order (empty if it has none). */
  public List<Category> tier2Of(String tier1Id) {
    return childrenOf.getOrDefault(tier1Id, List.of());
  }

  /** The Tier 1 or Tier 2 category of an id. */
  public Optional<Category> category(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Every Tier 1 and Tier 2 category, Tier 1 ones first within the file's order. */
  public List<Category> categories() {
    return List.copyOf(byId.values());
  }

  private static ContentTaxonomy load() {
    try (InputStream in = ContentTaxonomy.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "The Content Taxonomy is missing from the jar: " + RESOURCE);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<Category> categories = new ArrayList<>();
      Map<String, String[]> rows = new LinkedHashMap<>();
      reader.readLine(); // the group row
      reader.readLine(); // the column names
      String line;
      while ((line = reader.readLine()) != null) {
        String[] fields = line.replace("\r", "").split("\t", -1);
        if (fields.length < 5 || fields[0].isBlank()) {
          continue;
        }
        rows.put(fields[0].strip(), fields);
      }
      for (Map.Entry<String, String[]> row : rows.entrySet()) {
        String[] fields = row.getValue();
        boolean tier1 = fields[1].isBlank();
        boolean tier2 = !tier1 && fields[5].isBlank() && !fields[4].isBlank();
        if (!tier1 && !tier2) {
          continue;
        }
        categories.add(
            new Category(
                row.getKey(),
                tier1 ? Optional.empty() : Optional.of(fields[1].strip()),
                fields[2].strip(),
                fields[3].strip()));
      }
      return new ContentTaxonomy(categories);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
  }
}

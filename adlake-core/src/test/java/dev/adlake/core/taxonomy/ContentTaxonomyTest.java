package dev.adlake.core.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adlake.core.taxonomy.ContentTaxonomy.Category;
import org.junit.jupiter.api.Test;

class ContentTaxonomyTest {
  private final ContentTaxonomy taxonomy = ContentTaxonomy.shipped();

  @Test
  void theShippedFileHasTheTwoTiersOfContentTaxonomy31() {
    assertThat(taxonomy.tier1()).hasSize(37);
    assertThat(taxonomy.tier1())
        .extracting(Category::name)
        .contains("Travel", "Sports", "Automotive");
    assertThat(taxonomy.categories().stream().filter(c -> !c.isTier1())).hasSize(323);
    // Every Tier 2 category sits under a Tier 1 one, by id and by name.
    for (Category category : taxonomy.categories()) {
      Category top = taxonomy.category(category.tier1Id()).orElseThrow();
      assertThat(top.isTier1()).as(category.toString()).isTrue();
      assertThat(top.name()).isEqualTo(category.tier1());
    }
  }

  @Test
  void categoriesAreFoundByTheirUniqueId() {
    assertThat(taxonomy.category("653")).map(Category::name).contains("Travel");
    Category amusement = taxonomy.category("151").orElseThrow();
    assertThat(amusement.name()).isEqualTo("Amusement and Theme Parks");
    assertThat(amusement.tier1Id()).isEqualTo("150");
    assertThat(taxonomy.tier2Of("150")).contains(amusement);
    assertThat(taxonomy.category("no such id")).isEmpty();
  }
}

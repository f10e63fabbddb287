package dev.adlake.spark;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Spark jobs' layout: a package per domain, named as the domain, shared helpers in {@code
 * common}; domains talk through declared datasets, never through each other's classes.
 */
class SparkArchitectureTest {
  private static final JavaClasses SPARK =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.adlake.spark");

  private static final List<String> DOMAINS =
      List.of("ingestion", "cookiemapping", "reportingenablement", "reporting", "maintenance");

  @Test
  void thePackagesOfTheJobsHaveNoCycles() {
    slices()
        .matching("dev.adlake.spark.(*)..")
        .should()
        .beFreeOfCycles()
        .because("a domain's package, or common, must not reach back into what depends on it")
        .check(SPARK);
  }

  @Test
  void aDomainUsesNoOtherDomainsClassesButItsDeclaredTables() {
    for (String domain : DOMAINS) {
      String[] others =
          DOMAINS.stream()
              .filter(other -> !other.equals(domain))
              .map(other -> "dev.adlake.spark." + other + "..")
              .toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage("dev.adlake.spark." + domain + "..")
          .should()
          .dependOnClassesThat(
              DescribedPredicate.describe(
                  "are in another domain and are not its declared tables (*Tables)",
                  (JavaClass target) ->
                      java.util.Arrays.stream(others)
                              .map(other -> other.substring(0, other.length() - 2))
                              .anyMatch(
                                  other ->
                                      target.getPackageName().equals(other)
                                          || target.getPackageName().startsWith(other + "."))
                          && !target.getSimpleName().endsWith("Tables")
                          && !target
                              .getEnclosingClass()
                              .map(c -> c.getSimpleName().endsWith("Tables"))
                              .orElse(false)))
          .because("a job belongs to one domain; domains talk through declared datasets")
          .check(SPARK);
    }
  }

  @Test
  void commonHelpersKnowNoDomain() {
    noClasses()
        .that()
        .resideInAPackage("dev.adlake.spark.common..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            DOMAINS.stream()
                .map(domain -> "dev.adlake.spark." + domain + "..")
                .toArray(String[]::new))
        .check(SPARK);
  }
}

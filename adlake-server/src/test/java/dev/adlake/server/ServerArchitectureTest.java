package dev.adlake.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The server answers from the serving store and core's records: no Spark, no Kafka client (the
 * mapper service sends through core's {@code MappingSink}), nothing of the CLI.
 */
class ServerArchitectureTest {
  private static final JavaClasses SERVER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.adlake.server");

  @Test
  void theServerRunsWithoutEnginesOrTheCli() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.spark..",
            "org.apache.iceberg..",
            "org.apache.kafka..",
            "dev.adlake.spark..",
            "dev.adlake.kafka..",
            "dev.adlake.cli..")
        .because(
            "the API must start in a second without Spark or Kafka, on the serving store alone")
        .check(SERVER);
  }
}

package dev.adlake.kafka;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** adlake-kafka is an adapter: Kafka clients over core's contracts, nothing of Spark or HTTP. */
class KafkaArchitectureTest {
  private static final JavaClasses KAFKA =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.adlake.kafka");

  @Test
  void kafkaKnowsNoEngineAboveIt() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.spark..",
            "org.apache.iceberg..",
            "dev.adlake.spark..",
            "dev.adlake.server..",
            "dev.adlake.cli..",
            "io.javalin..")
        .because("dependencies point one way: core <- adapters (kafka, spark) <- applications")
        .check(KAFKA);
  }

  @Test
  void itsPackagesHaveNoCycles() {
    slices().matching("dev.adlake.kafka.(*)..").should().beFreeOfCycles().check(KAFKA);
  }
}

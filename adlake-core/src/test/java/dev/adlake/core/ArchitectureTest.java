package dev.adlake.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.adlake.core");

  @Test
  void coreIsFreeOfEnginesAndHttp() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.spark..",
            "org.apache.iceberg..",
            "org.apache.kafka..",
            "scala..",
            "io.javalin..",
            "org.eclipse.jetty..",
            "jakarta.servlet..",
            "javax.servlet..",
            "com.sun.net.httpserver..",
            "java.net.http..")
        .because(
            "adlake-core holds the model, configuration and metadata store and must stay"
                + " engine-agnostic: Spark, Kafka and HTTP belong to their adapter modules")
        .check(CORE);
  }

  @Test
  void coreDoesNotReachIntoTheModulesAboveIt() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.adlake.generator..",
            "dev.adlake.kafka..",
            "dev.adlake.spark..",
            "dev.adlake.server..",
            "dev.adlake.bench..",
            "dev.adlake.cli..")
        .because("dependencies point one way: core <- adapters <- applications")
        .check(CORE);
  }

  @Test
  void thePackagesOfCoreHaveNoCycles() {
    slices()
        .matching("dev.adlake.core.(*)..")
        .should()
        .beFreeOfCycles()
        .because(
            "the model (job, table, feed) sits under what records and runs it (metadata, run,"
                + " schedule): each package can be read with only those below it")
        .check(CORE);
  }
}

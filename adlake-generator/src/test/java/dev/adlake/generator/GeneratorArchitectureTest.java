package dev.adlake.generator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class GeneratorArchitectureTest {
  private static final JavaClasses GENERATOR =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.adlake.generator");

  @Test
  void theTruthIsIndependentOfWhatItChecks() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.adlake.spark..",
            "dev.adlake.kafka..",
            "dev.adlake.server..",
            "dev.adlake.bench..",
            "dev.adlake.cli..")
        .because(
            "the generator's truth is computed apart from the jobs it checks: a check that reused"
                + " a job's code would agree with the job's mistakes")
        .check(GENERATOR);
  }

  @Test
  void onlyTheTruthChecksReadTheLake() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.adlake.generator.truth..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.spark..", "org.apache.iceberg..", "scala..")
        .because("generating data needs no engine; Spark is provided only to the truth checks")
        .check(GENERATOR);
  }

  @Test
  void thePackagesHaveNoCycles() {
    slices().matching("dev.adlake.generator.(*)..").should().beFreeOfCycles().check(GENERATOR);
  }
}

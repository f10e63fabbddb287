package dev.adlake.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class BenchArchitectureTest {
  @Test
  void noRuntimeModuleDependsOnTheBenchmarks() {
    JavaClasses runtime =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // The Spark module's test fixtures come in its test jar, which the rule leaves out.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages(
                "dev.adlake.core", "dev.adlake.kafka", "dev.adlake.spark", "dev.adlake.server");
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.adlake.bench..", "dev.adlake.generator..")
        .because(
            "benchmarks and generated data are tools around the platform: the jobs, the API and"
                + " the metadata store run without them")
        .check(runtime);
  }

  @Test
  void benchmarksDoNotUseTheCli() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.adlake.cli..")
        .because("the CLI's bench commands call the benchmarks, not the other way round")
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.adlake.bench"));
  }
}

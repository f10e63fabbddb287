package dev.adlake.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.adlake.core.job.Job;
import org.junit.jupiter.api.Test;

/** Commands parse flags and render; the platform's catalog holds and runs the jobs. */
class CliArchitectureTest {
  private static final JavaClasses CLI =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.adlake.cli");

  @Test
  void commandsRunJobsThroughTheCatalogNeverByMakingThem() {
    noClasses()
        .that()
        .resideInAPackage("dev.adlake.cli..")
        .should()
        .callConstructorWhere(
            DescribedPredicate.describe(
                "it makes a job of the platform",
                call -> {
                  JavaClass owner = call.getTarget().getOwner();
                  return owner.isAssignableTo(Job.class)
                      && !owner.getPackageName().startsWith("dev.adlake.cli");
                }))
        .because("a job run outside the catalog skips its policy and its record")
        .check(CLI);
  }
}

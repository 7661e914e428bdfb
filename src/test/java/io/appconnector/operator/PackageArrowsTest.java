package io.appconnector.operator;

import static com.tngtech.archunit.base.DescribedPredicate.or;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The package arrows of docs/architecture.md, read from the compiled classes: api at the bottom,
 * values beside it, logic pure above both, the caches below the reconcilers and the token endpoint,
 * and the token endpoint beside the reconcilers, not above them.
 */
class PackageArrowsTest {
  private static final String BASE = "io.appconnector.operator.";
  private static JavaClasses operator;

  @BeforeAll
  static void importTheOperatorsClasses() {
    operator = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.appconnector.operator");
  }

  @Test
  void noPackageDependsOnItselfThroughAnother() {
    slices().matching("io.appconnector.operator.(*)..").should().beFreeOfCycles().check(operator);
  }

  @ParameterizedTest(name = "{0} imports nothing from {1}")
  @CsvSource({
      "token, reconciler",
      "token, dependent",
      "cache, reconciler",
      "cache, dependent",
      "cache, token",
      "logic, reconciler",
      "logic, dependent",
      "logic, token",
      "logic, cache",
      "logic, config",
      "dependent, reconciler",
      "dependent, token"})
  void aPackageDoesNotImportFromAPackageAboveOrBesideIt(String from, String to) {
    noClasses().that().resideInAPackage(BASE + from + "..")
        .should().dependOnClassesThat().resideInAPackage(BASE + to + "..")
        .check(operator);
  }

  static Stream<Arguments> whatEachLowerPackageMayUse() {
    return Stream.of(
        Arguments.of("api", classes().that().resideInAPackage(BASE + "api..").should().onlyDependOnClassesThat(
            resideInAnyPackage(BASE + "api..", "java..", "io.fabric8..", "com.fasterxml.jackson.annotation.."))),
        Arguments.of("values", classes().that().resideInAPackage(BASE + "values..").should().onlyDependOnClassesThat(
            or(resideInAnyPackage(BASE + "values..", BASE + "api..", "java..", "io.fabric8.kubernetes.api.model.."),
                type(CustomResource.class)))),
        Arguments.of("credentials", classes().that().resideInAPackage(BASE + "credentials..")
            .should().onlyDependOnClassesThat(resideInAnyPackage(BASE + "credentials..", BASE + "values..", "java.."))),
        // Pure: the data, the value types, the secret verifier's match, Kubernetes model objects.
        Arguments.of("logic", classes().that().resideInAPackage(BASE + "logic..").should().onlyDependOnClassesThat(
            or(resideInAnyPackage(BASE + "logic..", BASE + "api..", BASE + "values..", BASE + "credentials..",
                "java..", "io.fabric8.kubernetes.api.model..", "io.fabric8.kubernetes.client.utils.."),
                type(CustomResource.class)))));
  }

  @ParameterizedTest(name = "{0} uses only what lies below it")
  @MethodSource("whatEachLowerPackageMayUse")
  void aLowerPackageUsesOnlyWhatLiesBelowIt(String name, ArchRule rule) {
    rule.check(operator);
  }
}

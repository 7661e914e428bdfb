package io.appconnector.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.appconnector.operator.AppConnectorOperator.Component;
import io.appconnector.operator.config.Env;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ComponentTest {
  @ParameterizedTest(name = "COMPONENT={0} runs the token server: {2}, reconciles: {3}")
  @CsvSource({
      "'', ALL, true, true",
      "all, ALL, true, true",
      "token-server, TOKEN_SERVER, true, false",
      "Controller, CONTROLLER, false, true"})
  void componentDecidesWhatTheProcessRuns(String value, Component expected, boolean servesTokens, boolean reconciles) {
    Env env = new Env(value.isEmpty() ? Map.of() : Map.of("COMPONENT", value));
    Component component = Component.fromEnvironment(env);
    env.check();
    assertEquals(expected, component);
    assertEquals(servesTokens, component.servesTokens());
    assertEquals(reconciles, component.reconciles());
  }

  @ParameterizedTest(name = "COMPONENT={0} is refused")
  @CsvSource({"operator", "token"})
  void anotherValueIsRefusedNamingTheAcceptedOnes(String value) {
    Env env = new Env(Map.of("COMPONENT", value));
    Component.fromEnvironment(env);
    Env.InvalidSettingsException e = assertThrows(Env.InvalidSettingsException.class, env::check);
    assertTrue(e.getMessage().contains("COMPONENT") && e.getMessage().contains("token-server"), e.getMessage());
  }
}

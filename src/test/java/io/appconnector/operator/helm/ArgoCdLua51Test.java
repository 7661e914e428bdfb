package io.appconnector.operator.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Argo CD health check and actions of docs/ under Lua 5.1, the dialect Argo CD runs them in. */
class ArgoCdLua51Test {

  @ParameterizedTest(name = "{0} with Ready={1}: {2}")
  @CsvSource({
      "Active, True, Healthy",
      "Pending, False, Progressing",
      "Suspended, False, Suspended",
      "AwaitingConsent, False, Degraded",
      "AwaitingVendorCredentials, False, Degraded",
      "Rejected, False, Degraded",
      "Expired, False, Degraded"})
  void healthOfEachPhase(String phase, String ready, String expected) throws Exception {
    Map<String, String> hs = Lua51.run(ArgoCdHealthTest.SCRIPT, ArgoCdHealthTest.activation(2,
        ArgoCdHealthTest.status(2, phase, ready, "what to do: raise spec.revision")));
    assertEquals(Map.of("status", expected, "message", "what to do: raise spec.revision"), hs);
  }

  @Test
  void healthOfANewActivationIsProgressing() throws Exception {
    assertEquals("Progressing", Lua51.run(ArgoCdHealthTest.SCRIPT,
        ArgoCdHealthTest.activation(1, "{\"observedGeneration\":0}")).get("status"));
  }

  @Test
  void actionsSuspendResumeAndReissue() throws Exception {
    String running = ArgoCdActionsTest.activation("{\"listing\":\"ledgerly\",\"revision\":2}");
    Map<String, String> offered = Lua51.run(ArgoCdActionsTest.DIR.resolve("discovery.lua"), running);
    assertEquals(List.of("false", "true", "false"),
        List.of(offered.get("suspend.disabled"), offered.get("resume.disabled"), offered.get("reissue.disabled")));
    assertEquals("true", Lua51.run(ArgoCdActionsTest.DIR.resolve("suspend.lua"), running).get("spec.suspended"));
    assertEquals("false", Lua51.run(ArgoCdActionsTest.DIR.resolve("resume.lua"),
        ArgoCdActionsTest.activation("{\"listing\":\"ledgerly\",\"suspended\":true}")).get("spec.suspended"));
    assertEquals("3", Lua51.run(ArgoCdActionsTest.DIR.resolve("reissue.lua"), running).get("spec.revision"));
  }
}

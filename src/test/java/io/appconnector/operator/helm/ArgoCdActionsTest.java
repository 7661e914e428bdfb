package io.appconnector.operator.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.appconnector.operator.support.Crds;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** The Argo CD resource actions in docs/argocd-actions, run as Argo CD runs them: Lua given the resource as `obj`. */
class ArgoCdActionsTest {
  static final Path DIR = Crds.PROJECT.resolve("docs/argocd-actions");
  static final Path DOC = Crds.PROJECT.resolve("docs/argocd-health.md");

  static String activation(String spec) {
    return "{\"apiVersion\":\"appconnector.io/v1alpha1\",\"kind\":\"Activation\",\"metadata\":{\"name\":\"ledgerly\","
        + "\"namespace\":\"tenant-acme\"},\"spec\":" + spec + "}";
  }

  static LuaValue run(String script, String json) throws IOException {
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", ArgoCdHealthTest.lua(Serialization.unmarshal(json, JsonNode.class)));
    return globals.load(Files.readString(DIR.resolve(script)), script).call();
  }

  @ParameterizedTest(name = "suspended={0}: suspend disabled {1}, resume disabled {2}, reissue disabled {3}")
  @CsvSource({"false, false, true, false", "true, true, false, true"})
  void discoveryOffersWhatFitsTheActivation(boolean suspended, boolean suspend, boolean resume, boolean reissue)
      throws IOException {
    LuaValue actions = run("discovery.lua", activation("{\"listing\":\"ledgerly\",\"suspended\":" + suspended + "}"));
    assertEquals(List.of(suspend, resume, reissue), List.of(actions.get("suspend").get("disabled").toboolean(),
        actions.get("resume").get("disabled").toboolean(), actions.get("reissue").get("disabled").toboolean()));
  }

  static String unindented(String text) {
    return text.lines().map(String::strip).reduce("", (a, l) -> a + l + "\n");
  }

  @Test
  void suspendAndResumeFlipSpecSuspended() throws IOException {
    assertTrue(run("suspend.lua", activation("{\"listing\":\"ledgerly\"}")).get("spec").get("suspended").toboolean());
    LuaValue resumed = run("resume.lua", activation("{\"listing\":\"ledgerly\",\"suspended\":true}"));
    assertEquals(false, resumed.get("spec").get("suspended").toboolean());
    assertEquals("ledgerly", resumed.get("spec").get("listing").tojstring(), "the rest of the spec is kept");
  }

  @ParameterizedTest(name = "revision {0} becomes {1}")
  @CsvSource({"'', 1", "'\"revision\":0,', 1", "'\"revision\":4,', 5"})
  void reissueRaisesTheRevision(String revision, int expected) throws IOException {
    LuaValue spec = run("reissue.lua", activation("{" + revision + "\"listing\":\"ledgerly\"}")).get("spec");
    assertEquals(expected, spec.get("revision").toint());
  }

  @ParameterizedTest
  @ValueSource(strings = {"discovery.lua", "suspend.lua", "resume.lua", "reissue.lua"})
  void theDocumentCarriesEachTestedScriptVerbatim(String script) throws IOException {
    // In the argocd-cm example each script sits indented under its key.
    assertTrue(unindented(Files.readString(DOC)).contains(unindented(Files.readString(DIR.resolve(script)))),
        "docs/argocd-health.md shows " + script);
  }
}

package io.qatvirt.demo.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A sample's cloud-init user data ({@code cloudInitNoCloud} or {@code cloudInitConfigDrive}),
 * parsed as cloud-config. Pure: it reads the manifest it is given and nothing else.
 *
 * @param text the user data as written
 * @param config the user data parsed as YAML
 */
record GuestCloudConfig(String text, JsonNode config) {

  /**
   * The cloud-config modules the samples may use, as named in cloud-init's module reference
   * (docs.cloud-init.io, "Module reference"): a top-level key outside this list is a typo that
   * cloud-init would ignore with only a warning in its log.
   */
  static final Set<String> KNOWN_MODULE_KEYS =
      Set.of(
          "apt",
          "bootcmd",
          "hostname",
          "package_reboot_if_required",
          "package_update",
          "package_upgrade",
          "packages",
          "runcmd",
          "ssh_authorized_keys",
          "timezone",
          "users",
          "write_files");

  /** The keys cloud-init's write_files module reads in one entry. */
  static final Set<String> WRITE_FILES_KEYS =
      Set.of("path", "content", "source", "owner", "permissions", "encoding", "append", "defer");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The user data of a VMI or of a VirtualMachine's template; empty when it has none. */
  static Optional<GuestCloudConfig> of(JsonNode manifest) {
    JsonNode spec =
        manifest.path("kind").asText().equals("VirtualMachine")
            ? manifest.at("/spec/template/spec")
            : manifest.path("spec");
    for (JsonNode volume : spec.path("volumes")) {
      for (String source : List.of("cloudInitNoCloud", "cloudInitConfigDrive")) {
        JsonNode userData = volume.path(source).path("userData");
        if (userData.isTextual()) {
          return Optional.of(parse(userData.asText()));
        }
      }
    }
    return Optional.empty();
  }

  static GuestCloudConfig parse(String text) {
    try {
      return new GuestCloudConfig(text, YAML.readTree(text));
    } catch (IOException e) {
      throw new UncheckedIOException("tried to parse user data as YAML, but " + e.getMessage(), e);
    }
  }

  /** Top-level keys that are not cloud-config modules the samples know; empty if none. */
  Set<String> unknownKeys() {
    Set<String> unknown = new TreeSet<>();
    config.fieldNames().forEachRemaining(unknown::add);
    unknown.removeAll(KNOWN_MODULE_KEYS);
    return unknown;
  }

  /** The content of the write_files entry for this path. */
  Optional<String> file(String path) {
    for (JsonNode entry : config.path("write_files")) {
      if (entry.path("path").asText().equals(path)) {
        return Optional.of(entry.path("content").asText());
      }
    }
    return Optional.empty();
  }

  /** The write_files entries, as written. */
  List<ObjectNode> files() {
    List<ObjectNode> files = new ArrayList<>();
    config.path("write_files").forEach(entry -> files.add((ObjectNode) entry));
    return files;
  }

  /** runcmd's entries; each is a string here (the samples use no argument-list form). */
  List<String> runcmd() {
    List<String> commands = new ArrayList<>();
    config.path("runcmd").forEach(command -> commands.add(command.asText()));
    return commands;
  }

  /** The packages to install, in order. */
  List<String> packages() {
    List<String> packages = new ArrayList<>();
    config.path("packages").forEach(name -> packages.add(name.asText()));
    return packages;
  }

  /**
   * Every shell script the guest runs from this user data, by a name for messages: runcmd's entries
   * as the one {@code sh} script cloud-init writes of them, and each written file that starts with
   * a shebang.
   */
  List<ShellScript> shellScripts() {
    List<ShellScript> scripts = new ArrayList<>();
    if (config.has("runcmd")) {
      scripts.add(new ShellScript("runcmd", "#!/bin/sh\n" + String.join("\n", runcmd()) + "\n"));
    }
    for (ObjectNode file : files()) {
      String content = file.path("content").asText();
      if (content.startsWith("#!")) {
        scripts.add(new ShellScript(file.path("path").asText(), content));
      }
    }
    return scripts;
  }

  /** A shell script and where it comes from. */
  record ShellScript(String name, String text) {}
}

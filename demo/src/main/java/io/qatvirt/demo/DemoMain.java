package io.qatvirt.demo;

import com.google.common.io.MoreFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code java -jar demo/target/qatvirt-demo.jar [--keep]}: runs the demo in a new temporary folder,
 * removed afterwards unless {@code --keep}. The components' own log lines are hidden (warnings and
 * errors still show); {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=info} shows them.
 */
public final class DemoMain {
  private DemoMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    boolean keep = false;
    for (String arg : args) {
      if (arg.equals("--keep")) {
        keep = true;
      } else if (arg.equals("-h") || arg.equals("--help")) {
        System.out.println("usage: java -jar qatvirt-demo.jar [--keep]");
        System.out.println("  --keep  leave the simulated node's folder behind for a look");
        return 0;
      } else {
        System.err.println(
            "qatvirt-demo: tried to read the arguments, but '"
                + arg
                + "' is not one of them (see --help)");
        return 2;
      }
    }
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Path workDir;
    try {
      workDir = Files.createTempDirectory("qatvirt-demo-");
    } catch (IOException e) {
      System.err.println("qatvirt-demo: tried to create a temporary folder, but " + e.getMessage());
      return 1;
    }
    try {
      new Demo(System.out).run(workDir);
      return 0;
    } catch (Exception e) {
      System.out.flush();
      System.err.println("qatvirt-demo: the demo stopped: " + e);
      e.printStackTrace();
      return 1;
    } finally {
      if (keep) {
        System.out.println("(kept " + workDir + ")");
      } else {
        deleteTree(workDir);
      }
    }
  }

  private static void deleteTree(Path root) {
    try {
      MoreFiles.deleteRecursively(root);
    } catch (IOException e) {
      System.err.println("qatvirt-demo: tried to remove " + root + ", but " + e.getMessage());
    }
  }
}

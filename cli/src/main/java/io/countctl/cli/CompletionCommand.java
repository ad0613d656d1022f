package io.countctl.cli;

import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code countctl generate-completion}: picocli's bash/zsh script, plus counter names for
 * {@code describe} and {@code delete}. A generated script can only offer fixed words, so for those
 * two it asks {@code countctl __complete} (provision.CompleteCommand), which lists the
 * DistributedCounters of the namespace the line names ({@code -n}, {@code --context},
 * {@code --kubeconfig}) or of the current context.
 */
@Command(name = "generate-completion", version = "generate-completion " + CommandLine.VERSION,
    mixinStandardHelpOptions = true, helpCommand = true, optionListHeading = "Options:%n",
    description = {"Generate bash/zsh completion script for ${ROOT-COMMAND-NAME:-the root command of this command}.",
        "Run the following command to give `${ROOT-COMMAND-NAME:-$PARENTCOMMAND}` TAB completion in the current shell:",
        "", "  source <(${PARENT-COMMAND-FULL-NAME:-$PARENTCOMMAND} ${COMMAND-NAME})", ""})
public final class CompletionCommand implements Runnable {
  /**
   * Wraps picocli's functions for describe and delete: a word that is no option and no option's
   * value completes to a counter name; anything else goes to picocli's function as before.
   */
  static final String COUNTER_NAMES = """

      # countctl: counter names for describe and delete, listed by `countctl __complete`.
      eval "$(declare -f _picocli_countctl_describe | sed '1s/_picocli_countctl_describe/_countctl_describe_words/')"
      eval "$(declare -f _picocli_countctl_delete | sed '1s/_picocli_countctl_delete/_countctl_delete_words/')"
      function _countctl_counter_names() {
        local curr_word=${COMP_WORDS[COMP_CWORD]}
        local prev_word=${COMP_WORDS[COMP_CWORD-1]}
        [[ "${curr_word}" == -* ]] && return 1
        case ${prev_word} in
          -o|--output|--kubeconfig|--context|-n|--namespace|--timeout) return 1 ;;
        esac
        local IFS=$'\\n'
        COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null)" \\
          -- "${curr_word}") )
      }
      function _picocli_countctl_describe() { _countctl_counter_names || _countctl_describe_words; }
      function _picocli_countctl_delete() { _countctl_counter_names || _countctl_delete_words; }
      """;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    out.print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
    out.print(COUNTER_NAMES);
    out.flush();
  }
}

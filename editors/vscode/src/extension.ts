// The VS Code extension: starts `dockside lsp` through vscode-languageclient
// and passes the `dockside.*` settings to it. The logic that can be tested
// without VS Code lives in binary.ts and settings.ts.

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

import { bundledBinaryPath, isResolved, missingBinaryMessage, processEnvironment, resolveBinary } from './binary';
import { FILE_GLOB } from './files';
import { answerConfiguration, needsRestart, type SettingReader, toServerSettings, trustAwareReader } from './settings';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

/** The `dockside.*` settings; program paths from the workspace only when it is trusted. */
function reader(scope?: vscode.ConfigurationScope): SettingReader {
  const config = vscode.workspace.getConfiguration('dockside', scope ?? null);
  return trustAwareReader(
    (key) => config.get(key),
    (key) => config.inspect(key),
    vscode.workspace.isTrusted,
  );
}

function serverSettings(scopeUri?: string): ReturnType<typeof toServerSettings> {
  return toServerSettings(reader(scopeUri !== undefined ? vscode.Uri.parse(scopeUri) : undefined));
}

/** A bundled binary can lose its executable bit when the package is unpacked. */
function ensureBundledExecutable(extensionPath: string): void {
  if (process.platform === 'win32') {
    return;
  }
  const bundled = bundledBinaryPath(extensionPath, process.platform);
  try {
    const mode = fs.statSync(bundled).mode;
    if ((mode & 0o111) === 0) {
      fs.chmodSync(bundled, mode | 0o755);
    }
  } catch {
    // No bundled binary in this package: resolution falls back to PATH.
  }
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  if (!vscode.workspace.getConfiguration('dockside').get<boolean>('enable', true)) {
    output.appendLine('dockside.enable is false: the server is not started.');
    return;
  }
  ensureBundledExecutable(context.extensionPath);
  const resolved = resolveBinary({
    configuredPath: reader()('path') as string | null | undefined,
    extensionPath: context.extensionPath,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    env: processEnvironment(),
  });
  if (!isResolved(resolved)) {
    const message = missingBinaryMessage(resolved);
    output.appendLine(message);
    output.appendLine(`Looked at: ${resolved.searched.join(', ')}`);
    const choice = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'dockside.path');
    } else if (choice === 'Show Output') {
      output.show();
    }
    return;
  }
  output.appendLine(`Starting ${resolved.path} lsp (binary from ${resolved.source}).`);

  const serverOptions: ServerOptions = { command: resolved.path, args: ['lsp'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'dockerfile', scheme: 'file' },
      { language: 'dockerfile', scheme: 'untitled' },
      { scheme: 'file', pattern: FILE_GLOB },
    ],
    initializationOptions: serverSettings(),
    outputChannel: output,
    middleware: {
      workspace: {
        // The server asks for the `dockside` section per document; answer it
        // with the translated settings of that document's folder.
        configuration: async (params, token, next) => {
          const answer = await next(params, token);
          if (!Array.isArray(answer)) {
            return answer;
          }
          return answerConfiguration(params.items, answer, serverSettings);
        },
      },
    },
  };
  client = new LanguageClient('dockside', 'dockside', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    output.appendLine(`The dockside server failed to start: ${String(error)}`);
    void vscode.window.showErrorMessage(`dockside: the server failed to start (${String(error)}).`, 'Show Output').then(
      (choice) => {
        if (choice !== undefined) {
          output.show();
        }
      },
    );
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    try {
      await running.stop();
    } catch (error) {
      output.appendLine(`Stopping the server failed: ${String(error)}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stopClient();
  await startClient(context);
}

async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.document.languageId !== 'dockerfile') {
    void vscode.window.showInformationMessage('dockside: open a Dockerfile to fix it.');
    return;
  }
  await vscode.commands.executeCommand('editor.action.sourceAction', {
    kind: 'source.fixAll.dockside',
    apply: 'first',
  });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('dockside');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('dockside.restart', () => restart(context)),
    vscode.commands.registerCommand('dockside.showOutput', () => output.show()),
    vscode.commands.registerCommand('dockside.fixAll', fixAll),
    // The workspace's program settings now count: start again with them.
    vscode.workspace.onDidGrantWorkspaceTrust(() => restart(context)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration('dockside')) {
        return;
      }
      if (needsRestart((section) => event.affectsConfiguration(section))) {
        await restart(context);
      } else if (client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { dockside: serverSettings() },
        });
      }
    }),
  );
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

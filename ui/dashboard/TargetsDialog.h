#pragma once

#include "dc/DelegatedCredential.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace baton::ui {

class WorkspaceSession;

/// Where rotate exports one policy's DCs: each target's bundle profile, directory, hook and
/// what happened there last. Follows the session, so a rotation's results appear as they land.
class TargetsDialog : public QDialog
{
    Q_OBJECT

public:
    enum Column
    {
        ProfileColumn,
        RoleColumn,
        DirectoryColumn,
        HookColumn,
        LastResultColumn,
        ColumnCount,
    };

    TargetsDialog(WorkspaceSession &session, qint64 policyId, QWidget *parent = nullptr);

    QTableWidget *targetsTable() const { return m_table; }
    QPushButton *addButton() const { return m_add; }

public slots:
    /// Opens the dialog that adds a target (window-modal, not blocking).
    void addTarget();

private:
    void refresh();

    WorkspaceSession &m_session;
    qint64 m_policyId = 0;
    QLabel *m_heading = nullptr;
    QTableWidget *m_table = nullptr;
    QPushButton *m_add = nullptr;
};

/// One new export target of a policy: its bundle profile, role, directory and hook.
class AddTargetDialog : public QDialog
{
    Q_OBJECT

public:
    AddTargetDialog(WorkspaceSession &session, qint64 policyId, QWidget *parent = nullptr);

    QComboBox *profileCombo() const { return m_profile; }
    QComboBox *roleCombo() const { return m_role; }
    QLineEdit *directoryEdit() const { return m_directory; }
    QPushButton *browseButton() const { return m_browse; }
    QLineEdit *hookEdit() const { return m_hook; }
    QLabel *errorLabel() const { return m_error; }
    QDialogButtonBox *buttons() const { return m_buttons; }
    /// The target's id once added, else 0.
    qint64 addedTargetId() const { return m_addedId; }

    /// Adds the target and reloads the session; on failure the dialog stays, saying why.
    void accept() override;

private:
    void chooseDirectory();
    void updateOk();

    WorkspaceSession &m_session;
    qint64 m_policyId = 0;
    qint64 m_addedId = 0;
    QComboBox *m_profile = nullptr;
    QComboBox *m_role = nullptr;
    QLineEdit *m_directory = nullptr;
    QPushButton *m_browse = nullptr;
    QLineEdit *m_hook = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace baton::ui

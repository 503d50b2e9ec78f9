// Chinese first, English switchable. Labels of the API's names (mutations, arguments, enum values) come from these
// tables; a name without one shows as words split from the API's own name.
import { createContext, useContext } from 'react';

export type Language = 'zh' | 'en';

const ui = {
  title: ['益阳市智慧城市项目管理平台', 'Yiyang smart-city project governance'],
  signIn: ['登录', 'Sign in'], signOut: ['退出', 'Sign out'], public: ['公众', 'Public'],
  pickIdentity: ['选择部门和单位（开发环境）', 'Pick a department and unit (development)'],
  pasteToken: ['粘贴令牌', 'Paste a token'], token: ['令牌', 'Token'],
  devOff: ['本环境不签发开发令牌，请粘贴签发方给您的令牌。', 'Development sign-in is off here: paste a token from your issuer.'],
  asPublic: ['以公众身份浏览', 'Browse as the public'],
  work: ['待办', 'Work queue'], projects: ['项目', 'Projects'], newProject: ['新建项目', 'New project'],
  finance: ['财政', 'Finance'], audit: ['审计', 'Audit'], secrecy: ['保密', 'Secrecy'], plans: ['计划', 'Plans'],
  publicProjects: ['项目公开', 'Published projects'], openData: ['开放数据下载', 'Open-data download'],
  graphiql: ['GraphiQL', 'GraphiQL'], waiting: ['已等待', 'Waiting'], since: ['起始', 'Since'],
  kind: ['事项', 'Kind'], project: ['项目', 'Project'], nothingWaits: ['暂无待办', 'Nothing waits on you'],
  status: ['状态', 'Status'], name: ['名称', 'Name'], code: ['项目编号', 'Code'], unit: ['建设单位', 'Unit'],
  investment: ['投资额', 'Investment'], year: ['年度', 'Year'], jurisdiction: ['辖区', 'Jurisdiction'],
  submit: ['提交', 'Submit'], save: ['保存', 'Save'], done: ['已办理', 'Done'], actions: ['办理', 'Actions'],
  chooseAction: ['选择要办理的事项', 'Choose what to do'], history: ['历程', 'History'],
  dossier: ['申报材料', 'Dossier'], overview: ['概况', 'Overview'], money: ['资金', 'Money'],
  problems: ['提交前尚缺', 'Still missing before submission'], ready: ['材料齐全，可以提交', 'Complete: ready to submit'],
  refused: ['未通过', 'Refused'], add: ['添加', 'Add'], remove: ['删除', 'Remove'], yuan: ['元', 'yuan'],
  search: ['查询', 'Search'], all: ['全部', 'All'], live: ['实时', 'Live'], liveEvent: ['新动态', 'New event'],
  moneyByYear: ['按年度和状态的投资额', 'Investment by year and status'],
  auditSplit: ['审计计划构成', 'Audit plan split'], lifecycle: ['生命周期', 'Lifecycle'],
  budgetReviews: ['预算评审', 'Budget reviews'], fundPlans: ['专项资金年度计划', 'Special-fund plans'],
  payments: ['支付', 'Payments'], balance: ['余额', 'Balance'], auditPlans: ['年度审计计划', 'Audit plans'],
  engagements: ['审计项目', 'Engagements'], findings: ['审计发现', 'Findings'],
  classifications: ['待定密', 'Classifications to confirm'], secrecyReviews: ['保密审查', 'Secrecy reviews'],
  preUseReviews: ['使用前审查', 'Pre-use reviews'], vendors: ['涉密集成资质登记', 'Vendor register'],
  constructionPlans: ['年度建设计划', 'Construction plans'], otherActions: ['其他事项', 'Other actions'],
  none: ['无', 'none'], details: ['详情', 'Details'], department: ['部门', 'Department'], reasons: ['理由', 'Reasons'],
  classifiedHidden: ['涉密项目不公开', 'Classified projects are never published'],
  filters: ['筛选', 'Filters'], nameContains: ['名称包含', 'Name contains'], milestones: ['里程碑', 'Milestones'],
  contract: ['合同', 'Contract'], acceptance: ['验收', 'Acceptance'], fundSources: ['资金来源', 'Fund sources'],
  rule: ['依据', 'Rule'], error: ['出错', 'Error'], signedInAs: ['当前身份', 'Signed in as'],
  step: ['步骤', 'Step'], saveStep: ['保存材料', 'Save dossier'], open: ['打开', 'Open'], amount: ['金额', 'Amount'],
  trail: ['决策记录', 'Decision trail'], threshold: ['2000万元以上全审', '≥ 20M yuan: audited in full'],
  sampled: ['抽中', 'sampled'], notSampled: ['未抽中', 'not sampled'],
  projectRejected: ['立项申请被退回', 'The application for approval was rejected'],
  acceptanceRefused: ['竣工验收未通过', 'Completion acceptance was refused'],
  answerRejection: ['请修改申报材料后重新提交（修改后重新申报）', 'Revise the dossier and submit it again'],
  answerAcceptanceRefusal: ['请补正后重新申请竣工验收', 'Answer the reasons and apply for completion acceptance again'],
} satisfies Record<string, [string, string]>;

export type UiKey = keyof typeof ui;

const names: Record<string, string> = {
  // departments
  CONSTRUCTION_UNIT: '项目建设单位', BIG_DATA_CENTER: '市智慧城市和大数据中心', APPROVAL_BUREAU: '市行政审批服务局',
  FINANCE_BUREAU: '市财政局', AUDIT_BUREAU: '市审计局', SECRECY_BUREAU: '市国家保密局',
  LEADING_GROUP: '市新型智慧城市建设领导小组', CITY_GOVERNMENT: '市人民政府', SUPERVISORY_COMMISSION: '市监察委员会',
  PUBLIC: '公众',
  // statuses
  DRAFT: '草稿', SUBMITTED: '已提交', REJECTED: '已退回', APPROVED: '已立项', TECHNICAL_REVIEW_PASSED: '技术评审通过',
  BUDGET_REVIEW_PASSED: '预算评审通过', CONTRACT_SIGNED: '已签合同', UNDER_CONSTRUCTION: '建设中',
  INITIAL_ACCEPTANCE_PASSED: '初步验收通过', COMPLETION_ACCEPTANCE_REQUESTED: '已申请竣工验收', ACCEPTED: '竣工验收通过',
  IN_OPERATION: '运行中', CLOSED: '已关闭',
  // kinds
  INFORMATION_NETWORK_NEW: '信息网络（新建）', INFORMATION_NETWORK_EXPANSION: '信息网络（扩建）',
  INFORMATION_NETWORK_RENOVATION: '信息网络（改造）', APPLICATION_SYSTEM_NEW: '应用系统（新建）',
  APPLICATION_SYSTEM_EXPANSION: '应用系统（扩建）', APPLICATION_SYSTEM_RENOVATION: '应用系统（改造）',
  INFORMATION_RESOURCE_NEW: '信息资源开发（新建）', INFORMATION_RESOURCE_EXPANSION: '信息资源开发（扩建）',
  INFORMATION_RESOURCE_RENOVATION: '信息资源开发（改造）', NETWORK_AND_INFORMATION_SECURITY: '网络与信息安全',
  CONSULTING_AND_EVALUATION: '咨询评估', IT_MAINTENANCE: '信息技术运维', IT_SERVICE_OUTSOURCING: '信息技术服务外包',
  FISCAL: '财政资金', HIGHER_LEVEL_SPECIAL: '上级专项资金', FINANCING: '融资资金', SELF_RAISED: '自筹资金',
  UNCONDITIONAL: '无条件共享', CONDITIONAL: '有条件共享', NOT_SHARED: '不予共享',
  MACHINE_ROOM: '机房', NETWORK: '网络', STORAGE: '存储', COMPUTE: '计算',
  CONSTRUCTION_GOALS: '建设目标', SITE: '建设地点', FUNCTIONAL_REQUIREMENTS: '功能需求', TECHNICAL_APPROACH: '技术路线',
  SHARING_PLAN: '共享方案', EQUIPMENT_SELECTION: '设备选型', INVESTMENT_ESTIMATE: '投资估算',
  EQUIPMENT: '设备', SYSTEM_INTEGRATION: '系统集成', SUPERVISION: '监理', THIRD_PARTY_TESTING: '第三方测试', OTHER: '其他',
  CUSTOM_SOFTWARE: '定制软件测试', HARDWARE_OR_MATURE_SOFTWARE: '硬件或成熟软件', SOURCE_CODE: '源代码测试',
  DATABASE_SYSTEM: '数据库系统测试', NETWORK_SECURITY_AND_SECRECY: '网络安全与保密测试',
  SECRET: '秘密', CONFIDENTIAL: '机密', TOP_SECRET: '绝密', FEASIBILITY_STUDY: '可行性研究报告', CONSTRUCTION_PLAN: '建设方案',
  // mutations
  createProject: '新建项目', updateDossier: '填写申报材料', submitProject: '提交立项申请', approveProject: '批准立项',
  rejectProject: '退回立项申请', reviseProject: '修改后重新申报', recordInfrastructureExemption: '记录基础设施豁免',
  flagMajorProject: '认定重大项目', recordReviewFinding: '记录技术评审意见', concludeTechnicalReview: '出具技术评审结论',
  recordContract: '登记合同', recordSupervision: '登记监理', startConstruction: '开工建设', requestChange: '申请变更',
  approveChange: '批准变更', rejectChange: '驳回变更', recordUnauthorizedChange: '记录未经批准的变更',
  recordTestReport: '登记测试报告', passInitialAcceptance: '通过初步验收', applyForCompletionAcceptance: '申请竣工验收',
  passCompletionAcceptance: '通过竣工验收', refuseCompletionAcceptance: '不予通过竣工验收', startOperation: '投入运行',
  setPerformanceTargets: '设定绩效目标', recordProgress: '报告绩效进展', fileSelfEvaluation: '提交绩效自评',
  reviewPerformance: '绩效评审', reportRectification: '报告整改', confirmRectification: '确认整改',
  withholdPublication: '不予公开', releasePublication: '恢复公开', closeProject: '关闭项目',
  setBudgetLine: '核定预算明细', issueBudgetReviewReport: '出具预算评审报告', makePayment: '支付',
  setFundAllocation: '安排年度资金', draftSpecialFundPlan: '起草专项资金计划', signSpecialFundPlan: '会签专项资金计划',
  reviewSpecialFundPlan: '审议专项资金计划', imposeSanction: '处理处罚', reviewSettlement: '结决算评审',
  grantReward: '奖补', openSpotCheck: '开展抽查', recordSpotCheckResult: '登记抽查结果', registerAsset: '登记资产',
  correctAsset: '更正资产', withdrawAsset: '撤回资产', completeAssetRegistration: '完成资产登记',
  remindAssetRegistration: '催办资产登记', commitAuditDraw: '承诺审计抽样', revealAuditDraw: '揭示抽样种子',
  openAuditEngagement: '立项审计', startAuditFieldwork: '进场审计', publishAuditFinding: '发布审计发现',
  closeAuditEngagement: '结束审计', confirmClassification: '确认密级', declassifyProject: '解密',
  passSecrecyReview: '通过保密审查', failSecrecyReview: '保密审查不通过', reopenSecrecyReview: '重新保密审查',
  registerVendorQualification: '登记涉密集成资质', revokeVendorQualification: '撤销涉密集成资质',
  recordGradedProtectionEvaluation: '登记分级保护测评', approvePreUse: '批准投入使用', refusePreUse: '不予投入使用',
  draftConstructionPlan: '起草年度建设计划', draftConstructionPlanAmendment: '起草计划修订',
  addConstructionPlanItem: '将项目列入计划', removeConstructionPlanItem: '移出计划', submitConstructionPlanForReview: '提交领导小组审议',
  passConstructionPlanReview: '审议通过建设计划', returnConstructionPlanFromReview: '退回建设计划',
  approveConstructionPlan: '批准年度建设计划', returnConstructionPlanFromApproval: '市政府退回建设计划',
  registerWebhook: '登记推送地址', disableWebhook: '停用推送', enableWebhook: '启用推送',
  replayWebhookDelivery: '重发推送', replayWebhookDeliveries: '批量重发推送',
  // argument and field names
  input: '内容', kind: '类型', investmentEstimate: '投资估算', fundSources: '资金来源', source: '来源', amount: '金额',
  jurisdiction: '辖区', declaredClassified: '申报涉密', cityDecided: '市政府决策项目', feasibilityStudy: '可行性研究报告',
  reference: '文号', constructionContent: '建设内容', preliminaryDesign: '初步设计', implementationApproach: '实施方式',
  sharingPlan: '信息资源共享方案', functionalRequirements: '功能需求', equipmentSelection: '设备选型',
  dataSharing: '数据资源共享', analysisChapter: '共享分析章节', joinsSharingPlatform: '接入共享平台',
  feedbackChannel: '使用反馈渠道', catalog: '数据资源目录', sharingClass: '共享类型', sharingConditions: '共享条件',
  notSharedLegalBasis: '不予共享的法律依据', infrastructureRequests: '自建基础设施申请', justification: '理由',
  crossYear: '跨年度项目', yearlyPlan: '年度支出计划', year: '年度', deliverables: '交付内容',
  customSoftware: '定制开发软件', hardwareOrMatureSoftware: '硬件或成熟软件', reasons: '理由', reason: '理由',
  aspect: '评审方面', finding: '意见', opinion: '意见', approvedEstimate: '核定投资', contractId: '合同编号',
  contractSum: '合同金额', signedOn: '签订日期', vendors: '供应商', vendorId: '统一社会信用代码', scope: '范围',
  company: '监理公司', companyQualificationNumber: '资质证书号', leadName: '总监理工程师', leadCertificateNumber: '执业证书号',
  plan: '变更方案', changeId: '变更编号', description: '说明', tester: '测试机构', testerQualification: '测试资质',
  reportNumber: '报告编号', issuedOn: '出具日期', reportReference: '报告文号', documents: '验收材料',
  omMonths: '运维期（月）', operatingOrganisation: '运维单位', omAnnualFunding: '年运维经费', targets: '绩效目标',
  indicator: '指标', target: '目标值', actual: '实际值', report: '报告', claimsTargetsMet: '自评达标', targetsMet: '达标',
  law: '法律依据', category: '类别', requestedAmount: '申报金额', approvedAmount: '核定金额', note: '备注', level: '密级',
  vendorName: '供应商名称', certificateNumber: '证书编号', grade: '等级', scopes: '资质范围', validFrom: '有效期自',
  validUntil: '有效期至', effectiveOn: '生效日期', evaluator: '测评机构', evaluatedOn: '测评日期', conclusion: '结论',
  findings: '问题', seed: '种子', randomnessSource: '随机源', plannedAmount: '计划金额', approvedOn: '批准日期',
  documentNumber: '文号', approve: '同意', projectId: '项目', engagementId: '审计项目编号', planId: '计划编号',
  name: '名称', tranche: '批次', purpose: '用途', idempotencyKey: '请求编号（防重复）', sampleRate: '抽样比例',
  title: '标题', severity: '严重程度', quantity: '数量', value: '价值', custodian: '保管人', location: '存放地点',
  cardNumber: '资产卡片号', changes: '变更', testReports: '测试报告', performanceTargets: '绩效目标',
  NOT_DECLARED: '未申报涉密', DECLARED: '已申报涉密', CONFIRMED: '已确认密级', approvedBudget: '核定预算', classified: '涉密',
  major: '重大项目', effectiveBudget: '有效预算', paid: '已支付', commitment: '抽样承诺', seedCommitment: '种子承诺',
  frame: '抽样框', committedAt: '承诺时间', drawnAt: '抽样时间', proportion: '抽样比例', draftedAt: '起草时间',
  reviewedAt: '审议时间', approvedTotal: '核定合计', revokedOn: '撤销日期', progressNote: '进度说明',
  // R-ACC-4: the documents of a completion-acceptance application
  APPROVAL_DOCUMENTS: '立项批复文件', IMPLEMENTATION_PLAN: '实施方案', COMPLETION_REPORT: '竣工报告', SUPERVISION_REPORT: '监理报告',
  TRIAL_OPERATION_AND_INITIAL_ACCEPTANCE_REPORT: '试运行和初步验收报告', USER_TRAINING_REPORT: '用户培训报告',
  NETWORK_AND_SYSTEM_TEST_REPORTS: '网络和软硬件测试报告', SECURITY_ANALYSIS_REPORT: '安全分析报告',
  // the project's history: what each decision was (R-OVS-1)
  CREATE: '创建项目', UPDATE_DOSSIER: '更新申报材料', RECORD_INFRASTRUCTURE_EXEMPTION: '基础设施豁免', FLAG_MAJOR: '认定重大项目',
  SUBMIT: '提交立项申请', APPROVE: '立项批准', REJECT: '退回立项申请', REVISE: '撤回修改', RECORD_REVIEW_FINDING: '技术评审意见',
  CONCLUDE_TECHNICAL_REVIEW: '技术评审结论', RECORD_BUDGET_REVIEW: '预算评审报告', RECORD_CONTRACT: '登记合同',
  RECORD_SUPERVISION: '登记监理', START_CONSTRUCTION: '开工建设', REQUEST_CHANGE: '申请变更', APPROVE_CHANGE: '批准变更',
  REJECT_CHANGE: '驳回变更', RECORD_UNAUTHORIZED_CHANGE: '未经批准的变更', RECORD_TEST_REPORT: '登记测试报告',
  PASS_INITIAL_ACCEPTANCE: '初步验收通过', APPLY_FOR_COMPLETION_ACCEPTANCE: '申请竣工验收',
  PASS_COMPLETION_ACCEPTANCE: '竣工验收通过', REFUSE_COMPLETION_ACCEPTANCE: '竣工验收未通过', START_OPERATION: '投入运行',
  CLOSE: '关闭项目', SET_PERFORMANCE_TARGETS: '设定绩效目标', RECORD_PROGRESS: '报告绩效进展', FILE_SELF_EVALUATION: '绩效自评',
  REVIEW_PERFORMANCE: '绩效评审', REPORT_RECTIFICATION: '报告整改', CONFIRM_RECTIFICATION: '确认整改',
  WITHHOLD_PUBLICATION: '暂不公开', RELEASE_PUBLICATION: '恢复公开',
  THRESHOLD: '2000万元以上', SAMPLED: '抽中', NOT_SELECTED: '未抽中', AWAITING_DRAW: '待抽样', irregularitiesFound: '发现问题', result: '结果', spotCheckId: '抽查编号',
};

export const LanguageContext = createContext<Language>('zh');

function words(name: string): string {
  const spaced = name.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export function useT() {
  const language = useContext(LanguageContext);
  const t = (key: UiKey) => ui[key][language === 'zh' ? 0 : 1];
  const label = (name: string | null | undefined) =>
    name == null ? '' : language === 'zh' && names[name] ? names[name] : words(name);
  return { t, label, language };
}

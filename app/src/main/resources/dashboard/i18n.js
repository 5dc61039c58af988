// Labels in English and Korean; the choice is remembered in localStorage (never anything secret).
const T = {
  en: {
    'nav.board': 'Premiums', 'nav.cycles': 'Cycles', 'nav.dlq': 'Dead letters', 'nav.money': 'Money', 'nav.system': 'System',
    'hdr.fx': 'USDT/KRW', 'hdr.feeds': 'Feeds', 'btn.theme': 'Dark', 'btn.themeLight': 'Light', 'btn.logout': 'Sign out',
    'btn.cancel': 'Cancel', 'btn.confirm': 'Confirm', 'why.loading': 'Checking whether it trades…',
    'board.title': 'Kimchi premium board', 'board.filter': 'Filter coins', 'board.coin': 'Coin', 'board.upbit': 'Upbit KRW',
    'board.binance': 'Binance USDT', 'board.rate': 'USDT/KRW', 'board.premium': 'Premium %', 'board.edge': 'Net edge %',
    'board.age': 'Age', 'board.spark': 'Last hour', 'board.count': 'coins',
    'cycles.title': 'Cycles', 'cycles.open': 'Open only', 'cycles.id': 'Cycle', 'cycles.symbol': 'Coin', 'cycles.status': 'Status',
    'cycles.leg': 'Leg', 'cycles.step': 'Step', 'cycles.age': 'Age', 'cycles.investment': 'Investment', 'cycles.pnl': 'PnL',
    'cycle.timeline': 'Journal', 'cycle.trades': 'Trades', 'cycle.title': 'Cycle',
    'dlq.title': 'Dead-letter queue', 'dlq.reason': 'Reason', 'dlq.retries': 'Retries', 'dlq.age': 'Age', 'dlq.status': 'Status',
    'dlq.recover': 'Recover', 'dlq.actions': 'Actions', 'dlq.discard': 'Discard', 'dlq.none': 'Nothing is dead-lettered.',
    'dlq.confirmRecover': 'Recover cycle {id}? It resumes from its failed step.',
    'dlq.confirmDiscard': 'Discard cycle {id}? It is closed without completing; give the reason.',
    'money.title': 'Money', 'money.capital': 'Capital', 'money.equity': 'Equity', 'money.reserved': 'Reserved', 'money.free': 'Free',
    'money.today': 'PnL today', 'money.total': 'PnL total', 'money.curve': 'Realised PnL (cumulative)',
    'money.switch': 'Trading switch', 'money.pause': 'Pause', 'money.resume': 'Resume', 'money.pauseReason': 'Why pause',
    'money.settings': 'Risk and strategy settings', 'money.save': 'Save settings', 'money.saved': 'Settings saved.',
    'sys.title': 'System', 'sys.version': 'Version', 'sys.uptime': 'Uptime', 'sys.node': 'Node', 'sys.components': 'Components',
    'sys.feeds': 'Feed connections', 'sys.cluster': 'Cluster members and shards', 'sys.alerts': 'Alert outbox (Telegram)',
    'sys.up': 'up', 'sys.down': 'down', 'sys.msgs': 'msgs/s', 'sys.lastFrame': 'last frame',
    // the transfer hedge (a Binance USDT-M perpetual short while the coin is in transit)
    'hedge.title': 'Hedge (perpetual short while in transit)', 'hedge.state': 'Hedge', 'hedge.on': 'on', 'hedge.off': 'off',
    'hedge.offText': 'The transfer hedge is off on this node (kimp.hedge.enabled = false): legs run unhedged.',
    'hedge.leverage': 'Leverage', 'hedge.unlisted': 'Coins without a perpetual',
    'hedge.unlisted.trade-unhedged': 'traded unhedged', 'hedge.unlisted.skip': 'not traded',
    'hedge.checked': 'Positions last checked', 'hedge.every': 'Checked every', 'hedge.orphans': 'Orphan shorts',
    'hedge.orphans.close': 'closed by the watch', 'hedge.orphans.alert': 'alerted, closed by hand',
    'hedge.ago': '{age} ago', 'hedge.notYet': 'not yet', 'hedge.checkFailed': 'The last position check failed: {error}',
    'hedge.expected': 'Expected short', 'hedge.seen': "Venue's short", 'hedge.mismatch': 'Mismatch', 'hedge.action': "Watch's action",
    'hedge.none': 'none', 'hedge.ok': 'in step', 'hedge.settling': 'a hedge order is settling; checked again',
    'hedge.flatAll': 'No short expected or held: the futures account is flat.', 'hedge.futuresFeeds': 'Futures feed connections',
    'hedge.step.HEDGE_OPEN': 'short opened', 'hedge.step.HEDGE_CLOSE': 'short closed', 'hedge.futures': 'futures',
    'hedge.fee': 'fee', 'hedge.card': 'Hedge', 'hedge.pnl': 'Hedge PnL', 'hedge.fees': 'Hedge fees',
    'hedge.no': 'unhedged', 'hedge.shortOpen': 'short open', 'hedge.flat': 'closed (flat)', 'hedge.pending': 'short to open',
    'hedge.skippedShort': 'skipped (runs unhedged)', 'hedge.hedgedTag': 'hedged',
    'hedge.hedgedTitle': 'A perpetual short covered the coin in transit',
    'hedge.ev.startedHedged': 'Hedged: a perpetual short covers the coin from the buy until the sell.',
    'hedge.ev.rebalanceHedged': 'Rebalance leg on {coin}, hedged.',
    'hedge.ev.opening': '{leg} leg: opening a short of {qty} (attempt {attempt}).',
    'hedge.ev.closing': '{leg} leg: closing the short of {qty}, reduce-only (attempt {attempt}).',
    'hedge.ev.opened': '{leg} leg: short opened, {qty} at {price}', 'hedge.ev.closed': '{leg} leg: short closed, {qty} at {price}',
    'hedge.ev.failed.HEDGE_OPEN': '{leg} leg: opening the short failed: {reason}',
    'hedge.ev.failed.HEDGE_CLOSE': '{leg} leg: closing the short failed: {reason}',
    'hedge.ev.skipped': '{leg} leg: hedge skipped ({reason}); the leg goes on unhedged.',
    'hedge.ev.mismatch': '{leg} leg: the futures venue shows a short of {seen}, the cycle opened {expected}: {naked} held long without its short.',
    'hedge.ev.discardStarted': 'Discard started ({reason}): the open short is closed first, then the cycle is discarded.',
    'hedge.ev.settled': 'Hedge result {pnl}, futures fees {fees} (both inside the cycle\'s PnL).',
    'trade.quantity': 'Quantity', 'trade.price': 'Price', 'trade.fee': 'Fee',
    'nav.backtests': 'Backtests', 'bt.title': 'Backtests', 'bt.run': 'Run a backtest', 'bt.upbit': 'Upbit KRW candles',
    'bt.binance': 'Binance USDT candles', 'bt.fx': 'USD/KRW rates', 'bt.symbol': 'Coin', 'bt.from': 'From (UTC)',
    'bt.to': 'To (UTC)', 'bt.lenient': 'Skip bad rows', 'bt.start': 'Start', 'bt.progress': 'Progress',
    'bt.reports': 'Reports', 'bt.report': 'Report', 'bt.written': 'Written', 'bt.cycles': 'Cycles', 'bt.pnl': 'PnL',
    'bt.noFiles': 'No CSV files in {dir}.', 'bt.none': 'No reports yet.', 'bt.open': 'Open',
    'bt.reading': 'reading', 'bt.running': 'replaying', 'bt.writing': 'writing the report', 'bt.done': 'done',
    'bt.failed': 'failed', 'bt.idle': 'no backtest running',
    'bt.uploadTitle': 'Upload candle files', 'bt.upload': 'Upload', 'bt.uploading': 'Uploading and checking…',
    'bt.uploaded': 'Uploaded and checked: {files}. Chosen below.',
    // the risk and strategy settings (the API's names are in each label's tooltip: its errors name them)
    'set.capitalKrw': 'Capital (KRW)', 'set.sizing': 'Order sizing', 'set.fixedAmountKrw': 'Fixed amount per cycle (KRW)',
    'set.percentage': 'Share of capital per cycle (%)', 'set.minOrderKrw': 'Smallest order (KRW)',
    'set.maxConcurrentCycles': 'Most cycles at once', 'set.maxExposureKrw': 'Largest exposure (KRW)',
    'set.dailyLossLimitKrw': 'Daily loss limit (KRW)', 'set.minSpreadPercent': 'Least net edge to trade (%)',
    'set.finalizerMinProfitPercent': 'Least profit to finish a rebalance (%)',
    'set.sizing.FIXED_AMOUNT': 'Fixed amount', 'set.sizing.PERCENTAGE': 'Share of capital', 'set.sizing.FULL_CAPITAL': 'All capital',
    'money.running': 'RUNNING', 'money.paused': 'PAUSED ({by})',
    'cycle.direction': 'Direction', 'cycle.started': 'Started', 'hdr.stale': '{n} stale', 'why.notTrading': 'Not trading: ',
  },
  ko: {
    'nav.board': '김프 현황', 'nav.cycles': '사이클', 'nav.dlq': '실패 대기열', 'nav.money': '자금', 'nav.system': '시스템',
    'hdr.fx': 'USDT/KRW', 'hdr.feeds': '시세 연결', 'btn.theme': '다크', 'btn.themeLight': '라이트', 'btn.logout': '로그아웃',
    'btn.cancel': '취소', 'btn.confirm': '확인', 'why.loading': '거래 상태 확인 중…',
    'board.title': '김치 프리미엄 현황', 'board.filter': '코인 검색', 'board.coin': '코인', 'board.upbit': '업비트 KRW',
    'board.binance': '바이낸스 USDT', 'board.rate': 'USDT/KRW', 'board.premium': '김프 %', 'board.edge': '순수익률 %',
    'board.age': '경과', 'board.spark': '최근 1시간', 'board.count': '개 코인',
    'cycles.title': '사이클', 'cycles.open': '진행 중만', 'cycles.id': '사이클', 'cycles.symbol': '코인', 'cycles.status': '상태',
    'cycles.leg': '레그', 'cycles.step': '단계', 'cycles.age': '경과', 'cycles.investment': '투자금', 'cycles.pnl': '손익',
    'cycle.timeline': '저널', 'cycle.trades': '체결', 'cycle.title': '사이클',
    'dlq.title': '실패 대기열', 'dlq.reason': '사유', 'dlq.retries': '재시도', 'dlq.age': '경과', 'dlq.status': '상태',
    'dlq.recover': '복구', 'dlq.actions': '조치', 'dlq.discard': '폐기', 'dlq.none': '실패한 사이클이 없습니다.',
    'dlq.confirmRecover': '사이클 {id}을(를) 복구할까요? 실패한 단계부터 다시 시작합니다.',
    'dlq.confirmDiscard': '사이클 {id}을(를) 폐기할까요? 완료하지 않고 종료합니다. 사유를 적어 주세요.',
    'money.title': '자금', 'money.capital': '자본금', 'money.equity': '평가금', 'money.reserved': '예약', 'money.free': '가용',
    'money.today': '오늘 손익', 'money.total': '누적 손익', 'money.curve': '실현 손익 (누적)',
    'money.switch': '거래 스위치', 'money.pause': '일시정지', 'money.resume': '재개', 'money.pauseReason': '정지 사유',
    'money.settings': '위험 및 전략 설정', 'money.save': '설정 저장', 'money.saved': '설정을 저장했습니다.',
    'sys.title': '시스템', 'sys.version': '버전', 'sys.uptime': '가동 시간', 'sys.node': '노드', 'sys.components': '구성 요소',
    'sys.feeds': '시세 연결', 'sys.cluster': '클러스터 멤버와 샤드', 'sys.alerts': '알림 발송함 (텔레그램)',
    'sys.up': '연결', 'sys.down': '끊김', 'sys.msgs': '메시지/초', 'sys.lastFrame': '마지막 수신',
    // 전송 헤지 (코인 전송 중 바이낸스 USDT-M 무기한 선물 숏)
    'hedge.title': '헤지 (전송 중 무기한 선물 숏)', 'hedge.state': '헤지', 'hedge.on': '켜짐', 'hedge.off': '꺼짐',
    'hedge.offText': '이 노드에서 전송 헤지가 꺼져 있습니다 (kimp.hedge.enabled = false): 레그는 헤지 없이 진행됩니다.',
    'hedge.leverage': '레버리지', 'hedge.unlisted': '무기한 선물이 없는 코인',
    'hedge.unlisted.trade-unhedged': '헤지 없이 거래', 'hedge.unlisted.skip': '거래 안 함',
    'hedge.checked': '포지션 마지막 확인', 'hedge.every': '확인 주기', 'hedge.orphans': '주인 없는 숏',
    'hedge.orphans.close': '감시가 청산', 'hedge.orphans.alert': '알림 후 수동 청산',
    'hedge.ago': '{age} 전', 'hedge.notYet': '아직 없음', 'hedge.checkFailed': '마지막 포지션 확인 실패: {error}',
    'hedge.expected': '예상 숏', 'hedge.seen': '거래소 숏', 'hedge.mismatch': '불일치', 'hedge.action': '감시 조치',
    'hedge.none': '없음', 'hedge.ok': '일치', 'hedge.settling': '헤지 주문 처리 중; 다시 확인합니다',
    'hedge.flatAll': '예상되거나 보유한 숏이 없습니다: 선물 계정에 포지션이 없습니다.', 'hedge.futuresFeeds': '선물 시세 연결',
    'hedge.step.HEDGE_OPEN': '숏 진입', 'hedge.step.HEDGE_CLOSE': '숏 청산', 'hedge.futures': '선물',
    'hedge.fee': '수수료', 'hedge.card': '헤지', 'hedge.pnl': '헤지 손익', 'hedge.fees': '헤지 수수료',
    'hedge.no': '헤지 없음', 'hedge.shortOpen': '숏 보유 중', 'hedge.flat': '청산 완료', 'hedge.pending': '숏 진입 예정',
    'hedge.skippedShort': '건너뜀 (헤지 없이 진행)', 'hedge.hedgedTag': '헤지',
    'hedge.hedgedTitle': '전송 중인 코인을 무기한 선물 숏으로 헤지했습니다',
    'hedge.ev.startedHedged': '헤지: 매수부터 매도까지 무기한 선물 숏이 코인을 헤지합니다.',
    'hedge.ev.rebalanceHedged': '{coin} 리밸런스 레그, 헤지 적용.',
    'hedge.ev.opening': '{leg} 레그: {qty} 숏 진입 주문 (시도 {attempt}).',
    'hedge.ev.closing': '{leg} 레그: {qty} 숏 청산 주문, reduce-only (시도 {attempt}).',
    'hedge.ev.opened': '{leg} 레그: 숏 진입, {qty} @ {price}', 'hedge.ev.closed': '{leg} 레그: 숏 청산, {qty} @ {price}',
    'hedge.ev.failed.HEDGE_OPEN': '{leg} 레그: 숏 진입 실패: {reason}',
    'hedge.ev.failed.HEDGE_CLOSE': '{leg} 레그: 숏 청산 실패: {reason}',
    'hedge.ev.skipped': '{leg} 레그: 헤지 건너뜀 ({reason}); 헤지 없이 진행합니다.',
    'hedge.ev.mismatch': '{leg} 레그: 선물 거래소 숏 {seen}, 사이클이 진입한 숏 {expected}: {naked}이(가) 숏 없이 보유 중입니다.',
    'hedge.ev.discardStarted': '폐기 시작 ({reason}): 열린 숏을 먼저 청산한 뒤 사이클을 폐기합니다.',
    'hedge.ev.settled': '헤지 손익 {pnl}, 선물 수수료 {fees} (둘 다 사이클 손익에 포함).',
    'trade.quantity': '수량', 'trade.price': '가격', 'trade.fee': '수수료',
    'nav.backtests': '백테스트', 'bt.title': '백테스트', 'bt.run': '백테스트 실행', 'bt.upbit': '업비트 KRW 캔들',
    'bt.binance': '바이낸스 USDT 캔들', 'bt.fx': 'USD/KRW 환율', 'bt.symbol': '코인', 'bt.from': '시작 (UTC)',
    'bt.to': '종료 (UTC)', 'bt.lenient': '잘못된 행 건너뛰기', 'bt.start': '시작', 'bt.progress': '진행',
    'bt.reports': '보고서', 'bt.report': '보고서', 'bt.written': '작성', 'bt.cycles': '사이클', 'bt.pnl': '손익',
    'bt.noFiles': '{dir}에 CSV 파일이 없습니다.', 'bt.none': '보고서가 아직 없습니다.', 'bt.open': '열기',
    'bt.reading': '읽는 중', 'bt.running': '재생 중', 'bt.writing': '보고서 작성 중', 'bt.done': '완료',
    'bt.failed': '실패', 'bt.idle': '실행 중인 백테스트 없음',
    'bt.uploadTitle': '캔들 파일 업로드', 'bt.upload': '업로드', 'bt.uploading': '업로드 및 검사 중…',
    'bt.uploaded': '업로드 및 검사 완료: {files}. 아래에서 선택되었습니다.',
    'set.capitalKrw': '자본금 (KRW)', 'set.sizing': '주문 규모 방식', 'set.fixedAmountKrw': '사이클당 고정 금액 (KRW)',
    'set.percentage': '사이클당 자본 비율 (%)', 'set.minOrderKrw': '최소 주문 금액 (KRW)',
    'set.maxConcurrentCycles': '최대 동시 사이클 수', 'set.maxExposureKrw': '최대 노출 금액 (KRW)',
    'set.dailyLossLimitKrw': '일일 손실 한도 (KRW)', 'set.minSpreadPercent': '진입 최소 순수익률 (%)',
    'set.finalizerMinProfitPercent': '리밸런스 마무리 최소 수익률 (%)',
    'set.sizing.FIXED_AMOUNT': '고정 금액', 'set.sizing.PERCENTAGE': '자본 비율', 'set.sizing.FULL_CAPITAL': '자본 전액',
    'money.running': '거래 중', 'money.paused': '일시정지 ({by})',
    'cycle.direction': '방향', 'cycle.started': '시작', 'hdr.stale': '{n}개 지연', 'why.notTrading': '거래 안 함: ',
    // why it is not trading, from the status's code and figures (the node's own message is in English)
    'why.DAILY_LOSS_LIMIT': '일일 손실 한도 도달: {reason} (오늘 다시 거래하려면 재개하세요)',
    'why.KEY_REJECTED': 'API 키가 거부되었습니다: {reason}', 'why.PAUSED': '일시정지 ({by}){reason}',
    'why.SLOTS_HELD': '사이클 슬롯 {slots}개가 모두 사용 중입니다 (진행 중인 사이클)',
    'why.SLOTS_HELD.dlq': '사이클 슬롯 {slots}개가 모두 사용 중입니다 (실패 대기열 사이클 {n}개: 복구하거나 폐기하세요)',
    'why.EXPOSURE_HELD': '노출 한도 도달: {max} 중 {reserved} 예약됨{dlq}', 'why.EXPOSURE_HELD.dlq': ' (실패 대기열 사이클 {n}개가 자본을 묶고 있음)',
    'why.STALE_FX': 'USDT/KRW 환율 시세가 지연되어 김프를 신뢰할 수 없습니다',
    'why.STALE_FEEDS': '모든 코인의 시세가 지연되었습니다 ({coins}개 코인)', 'why.STALE_FEEDS.none': '아직 시세가 없습니다',
    'why.NO_OPPORTUNITY': '순수익률 기준 {min} %를 넘는 코인이 없습니다{best}', 'why.best': ' (최고: {coin} {edge} %)',
    'why.TRADING': '거래 중: {coin} 순수익률 {edge} %가 기준 {min} %보다 높습니다',
    // the codes of cycles (English shows the codes themselves)
    'status.IDLE': '대기', 'status.STARTED': '시작됨', 'status.INITIAL_TRADE_COMPLETED': '1차 거래 완료',
    'status.AWAITING_REBALANCE': '리밸런스 대기', 'status.REBALANCING_IN_PROGRESS': '리밸런스 진행 중',
    'status.REBALANCE_TRADE_COMPLETED': '리밸런스 거래 완료', 'status.COMPLETED': '완료', 'status.FAILED': '실패',
    'status.AWAITING_RETRY': '재시도 대기', 'status.DEAD_LETTER': '실패 대기열',
    'leg.INITIAL': '1차', 'leg.REBALANCE': '리밸런스', 'step.BUY': '매수', 'step.WITHDRAW': '출금', 'step.DEPOSIT': '입금',
    'step.SELL': '매도', 'dir.KIMCHI': '김프 (업비트 매도)', 'dir.REVERSE': '역프 (업비트 매수)',
    'hedge.act.seenOnce': '한 번 확인됨; 조치 전에 다시 확인합니다',
    'hedge.act.closing': '주인 없는 숏 {qty}을(를) reduce-only 매수로 청산하는 중',
    'hedge.act.orphan': '주인 없는 숏이거나 읽기 모델에 아직 반영되지 않은 사이클의 새 숏: 다음 확인에도 남아 있으면 직접 청산하세요 (kimp.hedge.close-orphans 꺼짐)',
    'hedge.act.less': '거래소 숏이 진행 중인 사이클의 헤지보다 적습니다: {qty} 헤지 안 됨; 해당 사이클(GET /api/v1/hedge)과 선물 계정을 확인하세요',
    'hedge.act.more': '거래소 숏이 진행 중인 사이클의 헤지보다 많습니다: {qty} 출처 불명',
  },
};

export let lang = localStorage.getItem('kimp.lang') === 'ko' ? 'ko' : 'en';

/** Whether {@code key} has a label in the language shown (not the English fallback). */
export function has(key) {
  return !!(T[lang] && T[lang][key]);
}

/** A code (a cycle's status, leg, step, direction) in the language shown: its label if it has one, else the code. */
export function code(kind, value) {
  return value && has(kind + '.' + value) ? t(kind + '.' + value) : value;
}

export function t(key, vars = {}) {
  let s = (T[lang] && T[lang][key]) || T.en[key] || key;
  for (const [k, v] of Object.entries(vars)) s = s.split('{' + k + '}').join(v);
  return s;
}

export function applyLabels(root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}

export function switchLang() {
  lang = lang === 'en' ? 'ko' : 'en';
  localStorage.setItem('kimp.lang', lang);
}
